import { useState, type InputHTMLAttributes } from 'react';

import { FloatingField } from '#/components/TextField';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'id' | 'placeholder'> & {
  label?: string;
  error?: string | undefined;
};

export function PasswordField({ label = 'Password', ...props }: Props) {
  const [visible, setVisible] = useState(false);
  return (
    <FloatingField
      label={label}
      type={visible ? 'text' : 'password'}
      trailing={
        <button
          type="button"
          onClick={() => setVisible((shown) => !shown)}
          className="rounded-md px-2 py-1 text-sm font-semibold text-ink hover:text-muted"
        >
          {visible ? 'Hide' : 'Show'}
          <span className="sr-only"> password</span>
        </button>
      }
      {...props}
    />
  );
}

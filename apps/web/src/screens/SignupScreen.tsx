import type { FormEvent } from 'react';
import { Link } from 'react-router';

import { Button } from '#/components/Button';
import { AuthLayout } from '#/components/layout/AuthLayout';
import { PasswordField } from '#/components/PasswordField';
import { FormAlert } from '#/components/States';
import { FloatingField } from '#/components/TextField';
import type { FieldErrors } from '#/lib/form';
import { useForm } from '#/lib/use-form';
import { useTitle } from '#/lib/use-title';
import { useSession } from '#/state/session';

type Field = 'email' | 'displayName' | 'username' | 'password';
const LABELS: Record<Field, string> = {
  email: 'Email',
  displayName: 'Full name',
  username: 'Username',
  password: 'Password',
};

/** The server's rules, checked first here so most mistakes never cost a round trip. */
function validate(values: Record<Field, string>): FieldErrors<Field> {
  const errors: FieldErrors<Field> = {};
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim())) errors.email = 'Enter a valid email address.';
  if (values.displayName.trim().length > 64) errors.displayName = 'Keep your name under 64 characters.';
  const username = values.username.trim();
  if (username.length < 3 || username.length > 30) errors.username = 'Usernames are 3 to 30 characters long.';
  else if (!/^[A-Za-z0-9._]+$/.test(username))
    errors.username = 'Use only letters, numbers, periods and underscores.';
  if (values.password.length < 8) errors.password = 'Use at least 8 characters.';
  else if (values.password.length > 128) errors.password = 'Use at most 128 characters.';
  return errors;
}

export function SignupScreen() {
  useTitle('Sign up');
  const { signup } = useSession();
  const { values, formError, pending, formRef, field, submit } = useForm<Field>(
    { email: '', displayName: '', username: '', password: '' },
    LABELS,
  );

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const displayName = values.displayName.trim();
    void submit(validate(values), () =>
      signup({
        email: values.email.trim(),
        username: values.username.trim(),
        password: values.password,
        ...(displayName ? { displayName } : {}),
      }),
    );
  };

  return (
    <AuthLayout
      footer={
        <>
          Have an account?{' '}
          <Link to="/login" className="font-semibold text-accent hover:underline">
            Log in
          </Link>
        </>
      }
    >
      <h1 className="mb-5 text-center text-[17px] leading-snug font-semibold text-muted">
        Sign up to see photos from the people you care about.
      </h1>
      <form ref={formRef} noValidate onSubmit={onSubmit} className="space-y-2">
        <FloatingField label={LABELS.email} type="email" autoComplete="email" {...field('email')} />
        <FloatingField label={LABELS.displayName} autoComplete="name" {...field('displayName')} />
        <FloatingField
          label={LABELS.username}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={30}
          {...field('username')}
        />
        <PasswordField autoComplete="new-password" {...field('password')} />
        <p className="px-1 pt-2 text-center text-xs leading-relaxed text-muted">
          People who use Glimpse can find you by your name and username.
        </p>
        <Button type="submit" className="mt-2 w-full" loading={pending}>
          Sign up
        </Button>
        <div className="pt-2">
          <FormAlert message={formError} />
        </div>
      </form>
    </AuthLayout>
  );
}

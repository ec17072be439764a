import {
  useId,
  useState,
  type InputHTMLAttributes,
  type ReactNode,
  type TextareaHTMLAttributes,
} from 'react';

const FIELD_BORDER = (invalid: boolean) =>
  invalid ? 'border-danger focus:border-danger' : 'border-line focus:border-muted';

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  // Always rendered so screen readers hear a message the moment it appears.
  return (
    <p id={id} aria-live="polite" className="min-h-0 text-xs text-danger empty:hidden">
      {message}
    </p>
  );
}

interface FloatingFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'placeholder'> {
  label: string;
  error?: string | undefined;
  /** Content inside the field's right edge (a show-password toggle). */
  trailing?: ReactNode;
}

/**
 * The sign-in style field: the label sits inside the box like a placeholder and moves up
 * once there is text or focus. It stays a real <label>, so it is read out and clickable.
 */
export function FloatingField({ label, error, trailing, className = '', ...props }: FloatingFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={className}>
      <div className="relative">
        <input
          id={id}
          placeholder=" "
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          className={`peer h-11 w-full rounded-md border bg-canvas px-2.5 pt-3.5 text-sm text-ink outline-none transition-colors focus:bg-white ${trailing ? 'pr-16' : ''} ${FIELD_BORDER(Boolean(error))}`}
          {...props}
        />
        <label
          htmlFor={id}
          className="pointer-events-none absolute top-1/2 left-2.5 origin-left -translate-y-1/2 truncate text-xs text-muted transition-all duration-150 peer-focus:top-3 peer-focus:text-[10px] peer-[:not(:placeholder-shown)]:top-3 peer-[:not(:placeholder-shown)]:text-[10px]"
        >
          {label}
        </label>
        {trailing && <div className="absolute inset-y-0 right-1.5 flex items-center">{trailing}</div>}
      </div>
      <FieldError id={errorId} message={error} />
    </div>
  );
}

interface StackedFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: string;
  hint?: string;
  error?: string | undefined;
}

/** The settings style field: label above, hint or error below. */
export function StackedField({ label, hint, error, className = '', ...props }: StackedFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`space-y-1.5 ${className}`}>
      <label htmlFor={id} className="block text-sm font-semibold">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={`h-11 w-full rounded-xl border bg-white px-3.5 text-[15px] outline-none transition-colors ${FIELD_BORDER(Boolean(error))}`}
        {...props}
      />
      {hint && (
        <p id={hintId} className="text-xs text-muted">
          {hint}
        </p>
      )}
      <FieldError id={errorId} message={error} />
    </div>
  );
}

interface CountedTextAreaProps extends Omit<
  TextareaHTMLAttributes<HTMLTextAreaElement>,
  'id' | 'value' | 'onChange' | 'maxLength'
> {
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  maxLength: number;
  error?: string | undefined;
  /**
   * How the limit counts, when not in UTF-16 units as `maxlength` does (captions count code
   * points, so an emoji is one). The caller then keeps the value within the limit.
   */
  countOf?: (value: string) => number;
}

/** A textarea with a live "12 / 150" counter that turns red at the limit. */
export function CountedTextArea({
  label,
  value,
  onValueChange,
  maxLength,
  error,
  countOf,
  className = '',
  ...props
}: CountedTextAreaProps) {
  const id = useId();
  const counterId = `${id}-counter`;
  const errorId = `${id}-error`;
  const [focused, setFocused] = useState(false);
  const used = countOf ? countOf(value) : value.length;
  const full = used >= maxLength;
  return (
    <div className={`space-y-1.5 ${className}`}>
      <label htmlFor={id} className="block text-sm font-semibold">
        {label}
      </label>
      <div
        className={`rounded-xl border bg-white transition-colors ${error ? 'border-danger' : focused ? 'border-muted' : 'border-line'}`}
      >
        <textarea
          id={id}
          value={value}
          maxLength={countOf ? undefined : maxLength}
          onChange={(event) => onValueChange(event.target.value)}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${counterId}${error ? ` ${errorId}` : ''}`}
          className="block min-h-24 w-full resize-none rounded-xl bg-transparent px-3.5 pt-3 text-[15px] leading-snug outline-none"
          {...props}
        />
        <p
          id={counterId}
          className={`px-3.5 pb-2 text-right text-xs tabular-nums ${full ? 'font-semibold text-danger' : 'text-muted'}`}
        >
          <span className="sr-only">Characters used: </span>
          {used} / {maxLength}
        </p>
      </div>
      <FieldError id={errorId} message={error} />
    </div>
  );
}

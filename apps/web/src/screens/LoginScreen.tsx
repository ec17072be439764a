import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';

import { ApiError } from '#/api/problem';
import { Button } from '#/components/Button';
import { AuthLayout } from '#/components/layout/AuthLayout';
import { PasswordField } from '#/components/PasswordField';
import { FormAlert } from '#/components/States';
import { FloatingField } from '#/components/TextField';
import { submissionErrors, type FieldErrors } from '#/lib/form';
import { useTitle } from '#/lib/use-title';
import { useSession } from '#/state/session';

type Field = 'login' | 'password';
const LABELS: Record<Field, string> = { login: 'Username or email', password: 'Password' };
const WRONG_CREDENTIALS = 'That username or password isn’t right. Check them and try again.';

export function LoginScreen() {
  useTitle('Log in');
  const { login } = useSession();
  const [values, setValues] = useState<Record<Field, string>>({ login: '', password: '' });
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string>();
  const [pending, setPending] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (attempt > 0) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempt]);

  const update = (field: Field) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local: FieldErrors<Field> = {};
    if (!values.login.trim()) local.login = 'Enter your username or email.';
    if (!values.password) local.password = 'Enter your password.';
    setErrors(local);
    setFormError(undefined);
    if (Object.keys(local).length > 0) {
      setAttempt((count) => count + 1);
      return;
    }
    setPending(true);
    try {
      // Signed in: the route guard takes the person where they were going.
      await login({ login: values.login.trim(), password: values.password });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setFormError(WRONG_CREDENTIALS);
        setPending(false);
        return;
      }
      const result = submissionErrors(error, LABELS);
      setErrors(result.fields);
      setFormError(result.form);
      setPending(false);
      setAttempt((count) => count + 1);
    }
  };

  return (
    <AuthLayout
      footer={
        <>
          Don’t have an account?{' '}
          <Link to="/signup" className="font-semibold text-accent hover:underline">
            Sign up
          </Link>
        </>
      }
    >
      <h1 className="sr-only">Log in to Glimpse</h1>
      <form ref={form} noValidate onSubmit={(event) => void submit(event)} className="space-y-2">
        <FloatingField
          label={LABELS.login}
          name="login"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          value={values.login}
          onChange={(event) => update('login')(event.target.value)}
          error={errors.login}
        />
        <PasswordField
          name="password"
          autoComplete="current-password"
          value={values.password}
          onChange={(event) => update('password')(event.target.value)}
          error={errors.password}
        />
        <Button type="submit" className="mt-3 w-full" loading={pending}>
          Log in
        </Button>
        <div className="pt-2">
          <FormAlert message={formError} />
        </div>
      </form>
    </AuthLayout>
  );
}

import type { FormEvent } from 'react';
import { Link } from 'react-router';

import { ApiError } from '#/api/problem';
import { Button } from '#/components/Button';
import { AuthLayout } from '#/components/layout/AuthLayout';
import { PasswordField } from '#/components/PasswordField';
import { FormAlert } from '#/components/States';
import { FloatingField } from '#/components/TextField';
import type { FieldErrors } from '#/lib/form';
import { useForm } from '#/lib/use-form';
import { useTitle } from '#/lib/use-title';
import { useSession } from '#/state/session';

type Field = 'login' | 'password';
const LABELS: Record<Field, string> = { login: 'Username or email', password: 'Password' };
const WRONG_CREDENTIALS = 'That username or password isn’t right. Check them and try again.';

export function LoginScreen() {
  useTitle('Log in');
  const { login } = useSession();
  const { values, formError, pending, formRef, field, submit } = useForm<Field>(
    { login: '', password: '' },
    LABELS,
  );

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local: FieldErrors<Field> = {};
    if (!values.login.trim()) local.login = 'Enter your username or email.';
    if (!values.password) local.password = 'Enter your password.';
    void submit(
      local,
      // Signed in: the route guard takes the person where they were going.
      () => login({ login: values.login.trim(), password: values.password }),
      (error) => (error instanceof ApiError && error.status === 401 ? WRONG_CREDENTIALS : undefined),
    );
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
      <form ref={formRef} noValidate onSubmit={onSubmit} className="space-y-2">
        <FloatingField
          label={LABELS.login}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          {...field('login')}
        />
        <PasswordField autoComplete="current-password" {...field('password')} />
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

import type { FieldError } from '../../platform/errors.js';
import { displayNameProblem, normalizeUsername, textLength, usernameProblem } from '../user/user.rules.js';

export const EMAIL_MAX_LENGTH = 254;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * A sane shape, not RFC 5322: one @, no spaces or quoting in the local part, and a domain of
 * dot-separated labels (Unicode letters allowed for internationalised domains).
 */
const EMAIL_SHAPE =
  /^[^\s@"(),:;<>[\\\]]{1,64}@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+$/u;

export interface SignupInput {
  /** Lowercased. */
  username: string;
  /** Trimmed and lowercased. */
  email: string;
  password: string;
  /** Trimmed; empty means "use the username". */
  displayName: string;
}

/** The signup fields normalised, or every field error at once. */
export function checkSignup(request: {
  username: string;
  email: string;
  password: string;
  displayName?: string | undefined;
}): { input: SignupInput; errors?: undefined } | { input?: undefined; errors: FieldError[] } {
  const errors: FieldError[] = [];

  const usernameError = usernameProblem(request.username);
  if (usernameError !== undefined) errors.push({ path: 'username', message: usernameError });

  const email = request.email.trim().toLowerCase();
  if (textLength(email) > EMAIL_MAX_LENGTH) {
    errors.push({ path: 'email', message: `must be at most ${EMAIL_MAX_LENGTH} characters` });
  } else if (!EMAIL_SHAPE.test(email)) {
    errors.push({ path: 'email', message: 'must be an email address' });
  }

  const passwordLength = textLength(request.password);
  if (passwordLength < PASSWORD_MIN_LENGTH || passwordLength > PASSWORD_MAX_LENGTH) {
    errors.push({
      path: 'password',
      message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
    });
  }

  const displayName = (request.displayName ?? '').trim();
  const displayNameError = displayNameProblem(displayName, { required: false });
  if (displayNameError !== undefined) errors.push({ path: 'displayName', message: displayNameError });

  if (errors.length > 0) return { errors };
  return {
    input: { username: normalizeUsername(request.username), email, password: request.password, displayName },
  };
}

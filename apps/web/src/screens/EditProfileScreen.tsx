import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';

import { Avatar } from '#/components/Avatar';
import { Button, ButtonLink } from '#/components/Button';
import { FormAlert } from '#/components/States';
import { CountedTextArea, StackedField } from '#/components/TextField';
import { submissionErrors, type FieldErrors } from '#/lib/form';
import { showToast } from '#/lib/toast';
import { useTitle } from '#/lib/use-title';
import { useUpdateProfileMutation } from '#/state/mutations/profile';
import type { Me } from '#/state/queries/users';
import { useSession } from '#/state/session';

const BIO_MAX = 150;
type Field = 'displayName' | 'bio';
const LABELS: Record<Field, string> = { displayName: 'Name', bio: 'Bio' };

function EditProfileForm({ me }: { me: Me }) {
  const navigate = useNavigate();
  const mutation = useUpdateProfileMutation();
  const [displayName, setDisplayName] = useState(me.displayName);
  const [bio, setBio] = useState(me.bio);
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string>();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = displayName.trim();
    const local: FieldErrors<Field> = {};
    if (!name) local.displayName = 'Enter the name people know you by.';
    else if (name.length > 64) local.displayName = 'Keep your name under 64 characters.';
    setErrors(local);
    setFormError(undefined);
    if (Object.keys(local).length > 0) return;
    mutation.mutate(
      { displayName: name, bio },
      {
        onSuccess: (user) => {
          showToast('Profile saved');
          void navigate(`/u/${user.username}`);
        },
        onError: (error) => {
          const result = submissionErrors(error, LABELS);
          setErrors(result.fields);
          setFormError(result.form);
        },
      },
    );
  };

  return (
    <form noValidate onSubmit={submit} className="space-y-6">
      <div className="flex items-center gap-4 rounded-2xl bg-canvas p-4">
        <Avatar user={{ ...me, displayName: displayName || me.displayName }} size="md" />
        <div className="min-w-0 flex-1 leading-tight">
          <p className="truncate font-semibold">@{me.username}</p>
          <p className="truncate text-sm text-muted">{me.email}</p>
        </div>
        <Button variant="secondary" size="sm" disabled title="Profile photos arrive with uploads">
          Change photo
          <span className="sr-only"> (coming soon)</span>
        </Button>
      </div>
      <StackedField
        label={LABELS.displayName}
        name="displayName"
        autoComplete="name"
        maxLength={64}
        value={displayName}
        onChange={(event) => {
          setDisplayName(event.target.value);
          setErrors((current) => ({ ...current, displayName: undefined }));
        }}
        hint="Help people find you: use the name you’re known by."
        error={errors.displayName}
      />
      <CountedTextArea
        label={LABELS.bio}
        name="bio"
        rows={3}
        maxLength={BIO_MAX}
        value={bio}
        onValueChange={(value) => {
          setBio(value);
          setErrors((current) => ({ ...current, bio: undefined }));
        }}
        placeholder="Say a little about yourself"
        error={errors.bio}
      />
      <FormAlert message={formError} />
      <div className="flex justify-end gap-2 border-t border-hairline pt-5">
        <ButtonLink to={`/u/${me.username}`} variant="ghost">
          Cancel
        </ButtonLink>
        <Button type="submit" loading={mutation.isPending} className="min-w-24">
          Save
        </Button>
      </div>
    </form>
  );
}

export function EditProfileScreen() {
  useTitle('Edit profile');
  const { me } = useSession();
  return (
    <div className="mx-auto max-w-[640px] px-4 py-6 md:py-10">
      <h1 className="mb-6 text-2xl font-extrabold tracking-tight">Edit profile</h1>
      {me && <EditProfileForm me={me} />}
    </div>
  );
}

import { useRef, useState, type ChangeEvent, type DragEvent, type FormEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router';

import { errorMessage } from '#/api/problem';
import { Button } from '#/components/Button';
import { tileState, UploadTile } from '#/components/create/UploadTile';
import { PlusSquareIcon, UploadIcon } from '#/components/icons';
import { FormAlert } from '#/components/States';
import { CountedTextArea } from '#/components/TextField';
import { captionLength, clipCaption } from '#/lib/caption';
import { newIdempotencyKey } from '#/lib/idempotency-key';
import { showToast } from '#/lib/toast';
import { useTitle } from '#/lib/use-title';
import { ACCEPTED_FILES } from '#/state/mutations/media';
import { useCreatePostMutation } from '#/state/mutations/posts';
import { useMediaQueries, type Media } from '#/state/queries/media';
import { MAX_PHOTOS, useUploadQueue, type Draft } from '#/state/upload-queue';

const CAPTION_MAX = 2200;

/**
 * The file input inside a label: the label is what people see and click, the input keeps the
 * native keyboard behaviour (Tab to it, Enter or Space opens the picker).
 */
function FilePicker({
  onFiles,
  className,
  children,
}: {
  onFiles: (files: File[]) => void;
  className: string;
  children: ReactNode;
}) {
  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(event.target.files ?? []);
    // Choosing the same file again after removing it must fire `change` again.
    event.target.value = '';
    if (files.length > 0) onFiles(files);
  };
  return (
    <label
      className={`cursor-pointer has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-accent ${className}`}
    >
      <input type="file" multiple accept={ACCEPTED_FILES} onChange={onChange} className="sr-only" />
      {children}
    </label>
  );
}

function DropZone({ onFiles, dragging }: { onFiles: (files: File[]) => void; dragging: boolean }) {
  return (
    <div
      className={`flex aspect-square max-h-[560px] w-full flex-col items-center justify-center rounded-2xl border-2 border-dashed px-6 text-center transition-colors sm:aspect-[4/3] ${dragging ? 'border-accent bg-accent/5' : 'border-line bg-canvas'}`}
    >
      <span className="bg-brand flex size-16 items-center justify-center rounded-2xl text-white shadow-md">
        <UploadIcon size={30} />
      </span>
      <p className="mt-5 text-xl font-bold tracking-tight">Drag photos here</p>
      <p className="mt-1 max-w-xs text-sm text-muted">
        Up to {MAX_PHOTOS} photos: JPEG, PNG, WebP, AVIF, GIF, TIFF or HEIC.
      </p>
      <FilePicker onFiles={onFiles} className="mt-6 rounded-lg">
        <span className="inline-flex h-11 items-center rounded-lg bg-accent px-5 text-[15px] font-semibold text-white transition-colors hover:bg-accent-hover">
          Select from your device
        </span>
      </FilePicker>
    </div>
  );
}

/** Why Share is not available yet, in words; undefined when it is. */
function shareBlocker(drafts: readonly Draft[], media: readonly (Media | undefined)[]): string | undefined {
  if (drafts.length === 0) return 'Choose at least one photo.';
  const states = drafts.map((draft, index) => tileState(draft, media[index]));
  if (states.some((state) => state.kind === 'failed'))
    return 'Remove the photos that couldn’t be used to share.';
  if (states.some((state) => state.kind === 'waiting' || state.kind === 'uploading'))
    return 'You can share as soon as your photos have uploaded.';
  return undefined;
}

export function CreateScreen() {
  useTitle('New post');
  const navigate = useNavigate();
  const queue = useUploadQueue();
  const { drafts } = queue;
  const [caption, setCaption] = useState('');
  const [dragging, setDragging] = useState(false);
  const [shareError, setShareError] = useState<string>();
  const dragDepth = useRef(0);
  const attempt = useRef<{ body: string; key: string } | undefined>(undefined);
  const createPost = useCreatePostMutation();

  // Uploaded photos are followed through processing (GET /api/media/{id} every second).
  const mediaQueries = useMediaQueries(
    drafts.flatMap((draft) => (draft.media ? [{ id: draft.media.id, initial: draft.media }] : [])),
  );
  const mediaById = new Map<string, Media>();
  for (const query of mediaQueries) if (query.data) mediaById.set(query.data.id, query.data);
  const mediaOf = (draft: Draft) =>
    draft.media ? (mediaById.get(draft.media.id) ?? draft.media) : undefined;
  const media = drafts.map(mediaOf);
  const blocker = shareBlocker(drafts, media);

  const addFiles = (files: File[]) => {
    setShareError(undefined);
    const leftOut = queue.add(files);
    if (leftOut > 0) {
      showToast(
        `A post holds up to ${MAX_PHOTOS} photos: ${leftOut} ${leftOut === 1 ? 'was' : 'were'} left out.`,
        'error',
      );
    }
  };

  const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');
  const dropHandlers = {
    onDragEnter: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      dragDepth.current += 1;
      setDragging(true);
    },
    onDragOver: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: () => {
      dragDepth.current = Math.max(0, dragDepth.current - 1);
      if (dragDepth.current === 0) setDragging(false);
    },
    onDrop: (event: DragEvent) => {
      event.preventDefault();
      dragDepth.current = 0;
      setDragging(false);
      addFiles(Array.from(event.dataTransfer.files));
    },
  };

  const share = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (blocker || createPost.isPending) return;
    const mediaIds = drafts.flatMap((draft) => (draft.media ? [draft.media.id] : []));
    const body = JSON.stringify({ caption, mediaIds });
    // The same post tried again (after a lost answer) keeps its key; a changed one gets a new key.
    if (attempt.current?.body !== body) attempt.current = { body, key: newIdempotencyKey() };
    setShareError(undefined);
    createPost.mutate(
      { caption, mediaIds, idempotencyKey: attempt.current.key },
      {
        onSuccess: (post) => void navigate(`/p/${post.id}`),
        onError: (error) => setShareError(errorMessage(error)),
      },
    );
  };

  const uploadedCount = drafts.filter((draft, index) => {
    const kind = tileState(draft, media[index]).kind;
    return kind === 'ready' || kind === 'processing';
  }).length;

  return (
    <div className="mx-auto max-w-[935px] px-4 py-6 md:px-8 md:py-10">
      <h1 className="text-2xl font-extrabold tracking-tight">New post</h1>
      <div className="mt-6 grid gap-8 md:grid-cols-[minmax(0,1fr)_300px]">
        <section aria-labelledby="photos-heading" {...dropHandlers} className="relative min-w-0">
          <h2 id="photos-heading" className="sr-only">
            Photos
          </h2>
          {drafts.length === 0 ? (
            <DropZone onFiles={addFiles} dragging={dragging} />
          ) : (
            <>
              <ul
                aria-label="Chosen photos"
                className={`grid grid-cols-2 gap-3 rounded-2xl transition-shadow sm:grid-cols-3 ${dragging ? 'ring-2 ring-accent ring-offset-4' : ''}`}
              >
                {drafts.map((draft, index) => (
                  <UploadTile
                    key={draft.key}
                    draft={draft}
                    media={media[index]}
                    position={index}
                    count={drafts.length}
                    onRemove={() => queue.remove(draft.key)}
                    onRetry={() => queue.retry(draft.key)}
                    onMove={(offset) => queue.move(draft.key, offset)}
                  />
                ))}
                {drafts.length < MAX_PHOTOS && (
                  <li>
                    <FilePicker
                      onFiles={addFiles}
                      className="flex aspect-square h-full min-h-40 w-full flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed border-line text-muted transition-colors hover:border-muted hover:text-ink"
                    >
                      <PlusSquareIcon size={28} strokeWidth={1.7} />
                      <span className="text-sm font-semibold">Add photos</span>
                    </FilePicker>
                  </li>
                )}
              </ul>
              <p className="mt-3 text-xs text-muted">
                {drafts.length} of {MAX_PHOTOS} photos · drop more here, or use the arrows to change the
                order.
              </p>
            </>
          )}
          <p aria-live="polite" className="sr-only">
            {drafts.length > 0 ? `${uploadedCount} of ${drafts.length} photos uploaded.` : ''}
          </p>
        </section>

        <form noValidate onSubmit={share} className="space-y-4 md:sticky md:top-20 md:self-start">
          <CountedTextArea
            label="Caption"
            name="caption"
            rows={6}
            maxLength={CAPTION_MAX}
            countOf={captionLength}
            value={caption}
            onValueChange={(value) => setCaption(clipCaption(value, CAPTION_MAX))}
            placeholder="Write a caption… #hashtags and @mentions work too"
          />
          <FormAlert message={shareError} />
          {blocker && drafts.length > 0 && (
            <p id="share-blocker" className="text-xs text-muted">
              {blocker}
            </p>
          )}
          <Button
            type="submit"
            size="lg"
            className="w-full"
            disabled={blocker !== undefined}
            aria-describedby={blocker && drafts.length > 0 ? 'share-blocker' : undefined}
            loading={createPost.isPending}
          >
            Share
          </Button>
        </form>
      </div>
    </div>
  );
}

import { useState } from 'react';

import {
  AlertIcon,
  CheckIcon,
  ChevronLeftIcon,
  ChevronRightIcon,
  ImageIcon,
  RefreshIcon,
  XIcon,
} from '#/components/icons';
import { MediaImage } from '#/components/media/MediaImage';
import { ProgressBar } from '#/components/ProgressBar';
import { Spinner } from '#/components/Spinner';
import { formatBytes } from '#/lib/format';
import { placeholderDataUrl } from '#/lib/thumbhash';
import type { Media } from '#/state/queries/media';
import type { Draft } from '#/state/upload-queue';

type TileState =
  | { kind: 'waiting' }
  | { kind: 'uploading'; progress: number }
  | { kind: 'processing' }
  | { kind: 'ready' }
  | { kind: 'failed'; message: string; retryable: boolean };

/** Where a photo is, from the upload (the queue) and then its processing (the server). */
export function tileState(draft: Draft, media: Media | undefined): TileState {
  switch (draft.stage) {
    case 'queued':
      return { kind: 'waiting' };
    case 'sending':
    case 'completing':
      return { kind: 'uploading', progress: draft.progress };
    case 'failed':
      return {
        kind: 'failed',
        message: draft.error ?? 'This photo couldn’t be uploaded.',
        retryable: draft.retryable,
      };
    case 'uploaded':
      if (media?.status === 'ready') return { kind: 'ready' };
      if (media?.status === 'failed') {
        return {
          kind: 'failed',
          message: media.failureReason ?? 'This photo couldn’t be processed.',
          retryable: false,
        };
      }
      return { kind: 'processing' };
  }
}

const STATUS_TEXT: Record<Exclude<TileState['kind'], 'failed'>, string> = {
  waiting: 'Waiting…',
  uploading: 'Uploading…',
  processing: 'Processing…',
  ready: 'Ready',
};

function Preview({ draft, media }: { draft: Draft; media: Media | undefined }) {
  const [broken, setBroken] = useState(false);
  const placeholder = placeholderDataUrl(media?.placeholder);
  const background = placeholder ? { backgroundImage: `url("${placeholder}")` } : undefined;
  if (draft.previewUrl && !broken) {
    return (
      <img
        src={draft.previewUrl}
        alt=""
        onError={() => setBroken(true)}
        className="size-full bg-cover bg-center object-cover"
        style={background}
      />
    );
  }
  // No preview of its own (HEIC, TIFF): the server's, once it has made one.
  if (media?.status === 'ready') {
    return <MediaImage media={media} alt="" sizes="200px" square eager />;
  }
  return (
    <div
      className="flex size-full flex-col items-center justify-center gap-2 bg-canvas bg-cover bg-center px-3 text-center"
      style={background}
    >
      {!placeholder && (
        <>
          <ImageIcon size={30} strokeWidth={1.6} className="text-muted" />
          <span className="line-clamp-2 text-xs font-medium break-all text-ink">{draft.file.name}</span>
          <span className="text-[11px] text-muted">{formatBytes(draft.file.size)}</span>
        </>
      )}
    </div>
  );
}

const iconButton =
  'flex size-7 items-center justify-center rounded-full bg-ink/60 text-white backdrop-blur transition-colors hover:bg-ink/80';

/**
 * One chosen photo: its preview, its upload progress, then its processing, or why it was
 * refused. Buttons remove it, retry it, or move it earlier or later in the post.
 */
export function UploadTile({
  draft,
  media,
  position,
  count,
  onRemove,
  onRetry,
  onMove,
}: {
  draft: Draft;
  media: Media | undefined;
  position: number;
  count: number;
  onRemove: () => void;
  onRetry: () => void;
  onMove: (offset: number) => void;
}) {
  const state = tileState(draft, media);
  const name = draft.file.name;
  const failed = state.kind === 'failed';

  return (
    <li
      aria-label={name}
      className={`relative flex flex-col overflow-hidden rounded-xl border ${failed ? 'border-danger/60' : 'border-hairline'} bg-white`}
    >
      {/* Overflow hidden: an aspect-ratio box would otherwise grow to a tall image's height. */}
      <div className={`relative aspect-square overflow-hidden ${failed ? 'opacity-40' : ''}`}>
        <Preview draft={draft} media={media} />
      </div>

      <div className="absolute top-1.5 right-1.5 flex gap-1">
        <button type="button" onClick={onRemove} className={iconButton}>
          <XIcon size={15} strokeWidth={2.6} />
          <span className="sr-only">Remove {name}</span>
        </button>
      </div>
      {count > 1 && (
        <div className="absolute top-1.5 left-1.5 flex gap-1">
          {position > 0 && (
            <button type="button" onClick={() => onMove(-1)} className={iconButton}>
              <ChevronLeftIcon size={15} strokeWidth={2.6} />
              <span className="sr-only">Move {name} earlier</span>
            </button>
          )}
          {position < count - 1 && (
            <button type="button" onClick={() => onMove(1)} className={iconButton}>
              <ChevronRightIcon size={15} strokeWidth={2.6} />
              <span className="sr-only">Move {name} later</span>
            </button>
          )}
        </div>
      )}

      <div className="space-y-1.5 border-t border-hairline px-2.5 py-2">
        {state.kind === 'failed' ? (
          <div className="flex items-start gap-1.5 text-danger">
            <AlertIcon size={15} className="mt-px shrink-0" />
            <p className="min-w-0 flex-1 text-xs leading-snug">{state.message}</p>
          </div>
        ) : (
          <p className="flex items-center gap-1.5 text-xs font-medium">
            {state.kind === 'ready' ? (
              <CheckIcon size={14} strokeWidth={3} className="text-emerald-600" />
            ) : state.kind === 'waiting' ? null : (
              <Spinner size={12} className="text-muted" />
            )}
            <span className={state.kind === 'ready' ? 'text-emerald-700' : 'text-muted'}>
              {STATUS_TEXT[state.kind]}
            </span>
            {state.kind === 'uploading' && (
              <span className="ml-auto text-muted tabular-nums">{Math.round(state.progress * 100)}%</span>
            )}
          </p>
        )}
        {!failed && (
          <ProgressBar
            value={state.kind === 'waiting' ? 0 : state.kind === 'uploading' ? state.progress : 1}
            label={`Upload of ${name}`}
            tone={state.kind === 'uploading' || state.kind === 'waiting' ? 'accent' : 'success'}
          />
        )}
        {state.kind === 'failed' && state.retryable && (
          <button
            type="button"
            onClick={onRetry}
            className="inline-flex items-center gap-1 rounded-md text-xs font-semibold text-accent hover:text-accent-hover"
          >
            <RefreshIcon size={13} strokeWidth={2.4} />
            Try again<span className="sr-only"> to upload {name}</span>
          </button>
        )}
      </div>
    </li>
  );
}

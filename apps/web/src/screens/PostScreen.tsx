import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';

import { ApiError, errorMessage } from '#/api/problem';
import { Button, ButtonLink } from '#/components/Button';
import { ConfirmDialog } from '#/components/ConfirmDialog';
import { AlertIcon, CameraIcon, TrashIcon } from '#/components/icons';
import { altTextOf, Caption } from '#/components/post/Caption';
import { Comments } from '#/components/post/Comments';
import { LikeablePhotos } from '#/components/post/LikeablePhotos';
import { PhotoCarousel } from '#/components/post/PhotoCarousel';
import { PostCounts } from '#/components/post/PostCounts';
import { PostHeader } from '#/components/post/PostHeader';
import { PostInsights } from '#/components/post/PostInsights';
import { Skeleton } from '#/components/Skeleton';
import { Spinner } from '#/components/Spinner';
import { EmptyState, ErrorState } from '#/components/States';
import { formatFullDate, formatRelativeTime } from '#/lib/format';
import { newIdempotencyKey } from '#/lib/idempotency-key';
import { showToast } from '#/lib/toast';
import { useTitle } from '#/lib/use-title';
import { useImpressionRef } from '#/state/impressions';
import { useDeletePostMutation, useForgetPost } from '#/state/mutations/posts';
import { usePostQuery, type Post } from '#/state/queries/posts';
import { useSession } from '#/state/session';

function DeletePost({ post }: { post: Post }) {
  const navigate = useNavigate();
  const forget = useForgetPost();
  const mutation = useDeletePostMutation(post);
  const [open, setOpen] = useState(false);
  const [key] = useState(newIdempotencyKey);

  const confirm = () =>
    mutation.mutate(key, {
      onSuccess: () => {
        setOpen(false);
        showToast('Post deleted');
        // Leave first: the post screen would otherwise ask for the post again and meet a 404.
        void Promise.resolve(navigate(`/u/${post.author.username}`, { replace: true })).then(() =>
          forget(post.id),
        );
      },
      onError: (error) => {
        setOpen(false);
        showToast(`Couldn’t delete the post. ${errorMessage(error)}`, 'error');
      },
    });

  return (
    <>
      <Button variant="danger" size="sm" onClick={() => setOpen(true)}>
        <TrashIcon size={16} strokeWidth={2.2} />
        Delete
      </Button>
      <ConfirmDialog
        open={open}
        title="Delete post?"
        confirmLabel="Delete"
        onConfirm={confirm}
        onCancel={() => setOpen(false)}
        pending={mutation.isPending}
      >
        It will be gone from your profile and from everyone’s feeds. This can’t be undone.
      </ConfirmDialog>
    </>
  );
}

/** Only the author sees a post before it is published: say what is happening. */
function StatusBanner({ post }: { post: Post }) {
  if (post.status === 'pending') {
    return (
      <div role="status" className="flex items-center gap-3 bg-accent/8 px-4 py-3 text-sm">
        <Spinner size={18} className="shrink-0 text-accent" />
        <p>
          <span className="font-semibold">Processing your photos…</span>{' '}
          <span className="text-muted">Your post will be published as soon as they are ready.</span>
        </p>
      </div>
    );
  }
  if (post.status === 'failed') {
    return (
      <div role="alert" className="flex items-start gap-3 bg-danger/8 px-4 py-3 text-sm text-danger">
        <AlertIcon size={18} className="mt-px shrink-0" />
        <p>
          <span className="font-semibold">This post couldn’t be published.</span>{' '}
          {post.failureReason ?? 'One of its photos couldn’t be processed.'} Delete it and try again.
        </p>
      </div>
    );
  }
  return null;
}

function Details({ post }: { post: Post }) {
  return (
    <div className="space-y-2 px-4 pt-1.5 pb-4">
      <PostCounts post={post} />
      {post.caption && <Caption post={post} />}
      <p className="text-xs tracking-wide text-muted uppercase">
        <time dateTime={post.createdAt} title={formatFullDate(post.createdAt)}>
          {formatRelativeTime(post.createdAt)}
        </time>
      </p>
    </div>
  );
}

function PostView({ post }: { post: Post }) {
  const { me } = useSession();
  const isAuthor = me?.id === post.author.id;
  const published = post.status === 'published';
  const impression = useImpressionRef<HTMLElement>(post);
  // One DOM order (who, the photos, the words) that phones read top to bottom; desktops put
  // the photos in a column of their own (see .post-layout).
  return (
    <article
      ref={impression}
      aria-label={`Post by @${post.author.username}`}
      className="post-layout overflow-hidden bg-white md:rounded-2xl md:border md:border-hairline"
    >
      <div className="min-w-0 [grid-area:header] md:border-b md:border-hairline">
        <PostHeader post={post}>{isAuthor && <DeletePost post={post} />}</PostHeader>
        <StatusBanner post={post} />
      </div>
      <div className="min-w-0 [grid-area:photos] md:self-center md:border-r md:border-hairline">
        <LikeablePhotos post={post}>
          <PhotoCarousel post={post} />
        </LikeablePhotos>
      </div>
      <div className="min-w-0 [grid-area:details]">
        <Details post={post} />
        {published && isAuthor && <PostInsights post={post} />}
        {published && <Comments post={post} />}
      </div>
    </article>
  );
}

function PostSkeleton() {
  return (
    <div role="status" aria-label="Loading post" className="md:rounded-2xl md:border md:border-hairline">
      <div aria-hidden="true" className="md:grid md:grid-cols-[minmax(0,1fr)_335px]">
        <div className="flex items-center gap-3 px-4 py-3 md:hidden">
          <Skeleton round className="size-8" />
          <Skeleton className="h-3.5 w-32" />
        </div>
        <span className="block aspect-square animate-pulse bg-soft" />
        <div className="space-y-3 p-4">
          <div className="hidden items-center gap-3 md:flex">
            <Skeleton round className="size-8" />
            <Skeleton className="h-3.5 w-32" />
          </div>
          <Skeleton className="h-3.5 w-40" />
          <Skeleton className="h-3.5 w-full" />
          <Skeleton className="h-3.5 w-2/3" />
        </div>
      </div>
    </div>
  );
}

export function PostScreen() {
  const { id = '' } = useParams();
  const query = usePostQuery(id);
  const post = query.data;
  useTitle(post ? `${altTextOf(post).slice(0, 60)} (@${post.author.username})` : 'Post');

  let body;
  if (post) {
    body = <PostView post={post} />;
  } else if (!query.isError) {
    body = <PostSkeleton />;
  } else if (query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 422)) {
    body = (
      <EmptyState
        icon={<CameraIcon size={30} strokeWidth={1.6} />}
        title="This post isn’t available"
        headingLevel={1}
        action={<ButtonLink to="/">Go home</ButtonLink>}
      >
        The link may be broken, or the post may have been deleted.
      </EmptyState>
    );
  } else {
    body = (
      <ErrorState
        error={query.error}
        title="Couldn’t load this post"
        onRetry={() => void query.refetch()}
        retrying={query.isFetching}
      />
    );
  }

  return <div className="mx-auto max-w-[935px] md:px-8 md:py-8">{body}</div>;
}

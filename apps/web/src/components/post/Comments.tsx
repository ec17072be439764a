import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router';

import { errorMessage } from '#/api/problem';
import { Avatar } from '#/components/Avatar';
import { Button } from '#/components/Button';
import { ConfirmDialog } from '#/components/ConfirmDialog';
import { TrashIcon } from '#/components/icons';
import { Spinner } from '#/components/Spinner';
import { FormAlert } from '#/components/States';
import { CountedTextArea } from '#/components/TextField';
import { captionLength, clipCaption } from '#/lib/caption';
import { formatFullDate, formatRelativeTime } from '#/lib/format';
import { newIdempotencyKey } from '#/lib/idempotency-key';
import { itemsOf } from '#/lib/pages';
import { showToast } from '#/lib/toast';
import { useCreateCommentMutation, useDeleteCommentMutation } from '#/state/mutations/comments';
import { useCommentsInfiniteQuery, type Comment } from '#/state/queries/comments';
import type { Post } from '#/state/queries/posts';
import { useSession } from '#/state/session';

/** The server's limit, counted as captions are (an emoji is one). */
const COMMENT_MAX = 2200;

function DeleteComment({ post, comment }: { post: Post; comment: Comment }) {
  const mutation = useDeleteCommentMutation(post);
  const [open, setOpen] = useState(false);

  const confirm = () =>
    mutation.mutate(
      { comment, idempotencyKey: newIdempotencyKey() },
      {
        onSuccess: () => {
          setOpen(false);
          showToast('Comment deleted');
        },
        onError: (error) => {
          setOpen(false);
          showToast(`Couldn’t delete the comment. ${errorMessage(error)}`, 'error');
        },
      },
    );

  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        className="inline-flex size-7 shrink-0 items-center justify-center rounded-full text-muted transition-colors hover:bg-soft hover:text-danger"
      >
        <TrashIcon size={14} strokeWidth={2.2} />
        <span className="sr-only">Delete comment</span>
      </button>
      <ConfirmDialog
        open={open}
        title="Delete comment?"
        confirmLabel="Delete"
        onConfirm={confirm}
        onCancel={() => setOpen(false)}
        pending={mutation.isPending}
      >
        It will be gone for everyone. This can’t be undone.
      </ConfirmDialog>
    </>
  );
}

function CommentItem({ post, comment, canDelete }: { post: Post; comment: Comment; canDelete: boolean }) {
  const { author } = comment;
  return (
    <li className="flex items-start gap-3">
      <Link to={`/u/${author.username}`} className="shrink-0 rounded-full">
        <Avatar user={author} size="xs" />
        <span className="sr-only">{author.username}</span>
      </Link>
      <div className="min-w-0 flex-1">
        <p className="text-sm leading-snug break-words whitespace-pre-line">
          <Link
            to={`/u/${author.username}`}
            aria-hidden="true"
            tabIndex={-1}
            className="mr-1.5 font-semibold hover:opacity-70"
          >
            {author.username}
          </Link>
          {comment.body}
        </p>
        <p className="mt-0.5 text-xs text-muted">
          <time dateTime={comment.createdAt} title={formatFullDate(comment.createdAt)}>
            {formatRelativeTime(comment.createdAt)}
          </time>
        </p>
      </div>
      {canDelete && <DeleteComment post={post} comment={comment} />}
    </li>
  );
}

function CommentList({ post }: { post: Post }) {
  const { me } = useSession();
  const query = useCommentsInfiniteQuery(post.id);
  if (query.isPending) {
    return (
      <div role="status" aria-label="Loading comments" className="flex justify-center py-3 text-muted">
        <Spinner size={18} />
      </div>
    );
  }
  if (query.isError) {
    return (
      <div className="flex items-center gap-2 text-sm text-muted">
        <span>Couldn’t load the comments.</span>
        <Button variant="ghost" size="sm" onClick={() => void query.refetch()} loading={query.isFetching}>
          Try again
        </Button>
      </div>
    );
  }
  const comments = itemsOf(query.data.pages);
  const ownsPost = me?.id === post.author.id;
  return (
    <>
      {comments.length > 0 && (
        <ul className="space-y-3">
          {comments.map((comment) => (
            <CommentItem
              key={comment.id}
              post={post}
              comment={comment}
              canDelete={ownsPost || comment.author.id === me?.id}
            />
          ))}
        </ul>
      )}
      {query.hasNextPage && (
        <Button
          variant="ghost"
          size="sm"
          onClick={() => void query.fetchNextPage()}
          loading={query.isFetchingNextPage}
          className="-ml-3"
        >
          Load more
        </Button>
      )}
    </>
  );
}

function CommentComposer({ post }: { post: Post }) {
  const mutation = useCreateCommentMutation(post);
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | undefined>();
  const empty = body.trim().length === 0;

  const submit = () => {
    if (empty || mutation.isPending) return;
    setError(undefined);
    mutation.mutate(
      // A key per attempt: this one text, sent once however the answer is lost.
      { body, idempotencyKey: newIdempotencyKey() },
      {
        onSuccess: () => setBody(''),
        onError: (failure) => setError(`Couldn’t post the comment. ${errorMessage(failure)}`),
      },
    );
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };

  // Enter sends, Shift+Enter starts a new line (and Enter while composing text in an IME is
  // the IME's).
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    submit();
  };

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-2">
      <CountedTextArea
        label="Add a comment"
        name="comment"
        rows={2}
        maxLength={COMMENT_MAX}
        countOf={captionLength}
        value={body}
        onValueChange={(value) => setBody(clipCaption(value, COMMENT_MAX))}
        onKeyDown={onKeyDown}
        placeholder="Add a comment…"
        readOnly={mutation.isPending}
      />
      <FormAlert message={error} />
      <div className="flex justify-end">
        <Button type="submit" size="sm" disabled={empty} loading={mutation.isPending}>
          Post
        </Button>
      </div>
    </form>
  );
}

/** A post's conversation: the comments, oldest first, and (signed in) a box to add one. */
export function Comments({ post }: { post: Post }) {
  const { me } = useSession();
  return (
    <section aria-label="Comments" className="space-y-3 border-t border-hairline px-4 pt-3 pb-4">
      <CommentList post={post} />
      {me ? (
        <CommentComposer post={post} />
      ) : (
        <p className="text-sm text-muted">
          <Link to="/login" className="font-semibold text-accent hover:text-accent-hover">
            Log in
          </Link>{' '}
          to comment.
        </p>
      )}
    </section>
  );
}

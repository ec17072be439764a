import { Link } from 'react-router';

import { Avatar } from '#/components/Avatar';
import type { UserSummary } from '#/state/queries/users';

export function UserRow({ user }: { user: UserSummary }) {
  return (
    <li>
      <Link
        to={`/u/${user.username}`}
        className="flex items-center gap-3 rounded-xl px-4 py-2.5 transition-colors hover:bg-canvas focus-visible:-outline-offset-2"
      >
        <Avatar user={user} size="md" />
        <span className="min-w-0 flex-1 leading-tight">
          <span className="block truncate text-sm font-semibold">{user.displayName || user.username}</span>
          <span className="block truncate text-sm text-muted">@{user.username}</span>
        </span>
      </Link>
    </li>
  );
}

export function UserList({ users, label }: { users: readonly UserSummary[]; label: string }) {
  return (
    <ul aria-label={label} className="py-1">
      {users.map((user) => (
        <UserRow key={user.id} user={user} />
      ))}
    </ul>
  );
}

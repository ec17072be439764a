import { Link } from 'react-router';

/** The app icon: the favicon's gradient tile with a camera outline. */
export function LogoMark({ size = 32 }: { size?: number }) {
  return (
    <span
      aria-hidden="true"
      className="bg-brand inline-flex shrink-0 items-center justify-center rounded-[28%] shadow-sm"
      style={{ width: size, height: size }}
    >
      <svg
        viewBox="0 0 24 24"
        width={size * 0.62}
        height={size * 0.62}
        fill="none"
        stroke="#fff"
        strokeWidth="2.2"
      >
        <rect x="3" y="3" width="18" height="18" rx="5.5" />
        <circle cx="12" cy="12" r="4.2" />
        <circle cx="17.3" cy="6.7" r="1.1" fill="#fff" stroke="none" />
      </svg>
    </span>
  );
}

export function Wordmark({ size = 'md' }: { size?: 'md' | 'lg' }) {
  const large = size === 'lg';
  return (
    <span className="inline-flex items-center gap-2">
      <LogoMark size={large ? 40 : 30} />
      <span className={`text-brand font-extrabold tracking-tight ${large ? 'text-4xl' : 'text-2xl'}`}>
        Glimpse
      </span>
    </span>
  );
}

/** The wordmark as the way home. */
export function HomeWordmark() {
  return (
    <Link to="/" className="rounded-lg" aria-label="Glimpse home">
      <Wordmark />
    </Link>
  );
}

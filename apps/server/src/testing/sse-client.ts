/** One Server-Sent Event as a browser's EventSource would see it. */
export interface ServerSentEvent {
  event: string;
  id: string | undefined;
  data: string;
}

export interface SseOptions {
  /** Sent as `Authorization: Bearer`. */
  token?: string;
  lastEventId?: string;
}

/**
 * A test client for text/event-stream: opens the stream with fetch, parses events as the
 * WHATWG EventSource algorithm does (fields, blank-line dispatch, comments), and lets a test
 * wait for the event it expects. Heartbeat comments are counted, not dispatched.
 */
export class SseClient {
  readonly events: ServerSentEvent[] = [];
  heartbeats = 0;
  status = 0;
  contentType = '';
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();
  private ended = false;
  private failure: string | undefined;

  private constructor(private readonly url: URL) {}

  static async open(url: string | URL, options: SseOptions = {}): Promise<SseClient> {
    const client = new SseClient(new URL(url));
    await client.connect(options);
    return client;
  }

  /** The id of the last event that carried one (what a browser would send as Last-Event-ID). */
  get lastEventId(): string | undefined {
    return this.events.findLast((event) => event.id !== undefined)?.id;
  }

  /** Resolves with the first event (already received or to come) that matches. */
  async next(predicate: (event: ServerSentEvent) => boolean, timeoutMs = 20_000): Promise<ServerSentEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (this.ended) throw new Error(`stream ended (${this.failure ?? 'closed'}); got ${this.describe()}`);
      if (Date.now() > deadline)
        throw new Error(`event not received within ${timeoutMs} ms; got ${this.describe()}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Events of one type, their data parsed as JSON. */
  payloads<T = unknown>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as T);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private async connect(options: SseOptions): Promise<void> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
    const response = await fetch(this.url, { headers, signal: this.abort.signal });
    this.status = response.status;
    this.contentType = response.headers.get('content-type') ?? '';
    if (!response.ok || !response.body) {
      this.ended = true;
      await response.body?.cancel();
      return;
    }
    this.done = this.read(response.body).finally(() => {
      this.ended = true;
    });
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    let pending: { event?: string; id?: string; data?: string[] } = {};
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffer.search(/\r?\n/)) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer[newline] === '\r' ? 2 : 1));
          if (line === '') {
            if (pending.data !== undefined) {
              this.events.push({
                event: pending.event ?? 'message',
                id: pending.id,
                data: pending.data.join('\n'),
              });
            }
            pending = {};
          } else if (line.startsWith(':')) {
            this.heartbeats += 1;
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') pending.event = value;
            else if (field === 'id') pending.id = value;
            else if (field === 'data') pending.data = [...(pending.data ?? []), value];
          }
        }
      }
    } catch (err) {
      // A stream cut by the server or the network ends like one closed: `next` reports it.
      if (!this.abort.signal.aborted) this.failure = err instanceof Error ? err.message : String(err);
    }
  }

  private describe(): string {
    return JSON.stringify(this.events.map((e) => `${e.event}#${e.id ?? ''}:${e.data.slice(0, 80)}`));
  }
}

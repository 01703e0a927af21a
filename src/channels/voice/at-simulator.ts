import { XMLParser } from 'fast-xml-parser';

/**
 * The Africa's Talking side of a voice call, for tests, the bench and trying things out:
 * it posts exactly the form fields AT posts, and follows the reply as AT would: a key press
 * goes to the `callbackUrl` of the `GetDigits`, a recording to the `callbackUrl` of the
 * `Record`, and silence to the `Redirect` that follows. URLs in the reply are public
 * (PUBLIC_BASE_URL); the simulator keeps their path and query and posts to `baseUrl`.
 */
export type AtVoiceOptions = {
  baseUrl: string;
  callerNumber: string;
  sessionId: string;
  destinationNumber?: string;
  direction?: 'Inbound' | 'Outbound';
  /** appended as ?token= to the first request when the service requires AT_CALLBACK_TOKEN */
  callbackToken?: string;
};

export type VoiceHop = { path: string; form: Record<string, string>; status: number; body: string; listening: 'keys' | 'record' | null };

type Next = { answerPath: string | null; silencePath: string | null; listening: 'keys' | 'record' | null };

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => name === 'Say' || name === 'Play' });

export class AtVoiceCall {
  private next: Next = { answerPath: null, silencePath: null, listening: null };
  private last: { path: string; form: Record<string, string> } | null = null;
  constructor(private readonly options: AtVoiceOptions) {}

  get sessionId(): string {
    return this.options.sessionId;
  }

  private base(): Record<string, string> {
    return {
      isActive: '1',
      sessionId: this.options.sessionId,
      direction: this.options.direction ?? 'Inbound',
      callerNumber: this.options.callerNumber,
      destinationNumber: this.options.destinationNumber ?? '+254711082000',
    };
  }

  /** The call connects: AT posts to the number's callback URL. */
  async dial(): Promise<VoiceHop> {
    const token = this.options.callbackToken ? `?token=${encodeURIComponent(this.options.callbackToken)}` : '';
    return this.post(`/voice${token}`, this.base());
  }

  /** The caller presses keys in answer to a GetDigits (AT leaves out the finishing #). */
  async press(dtmfDigits: string): Promise<VoiceHop> {
    if (!this.next.answerPath) throw new Error('the last reply was not listening for keys');
    return this.post(this.next.answerPath, { ...this.base(), dtmfDigits });
  }

  /**
   * Several different key presses answering the same prompt at once (a hostile or broken
   * gateway); the call then follows the reply to the first of them.
   */
  async pressConcurrently(digits: string[]): Promise<VoiceHop[]> {
    const path = this.next.answerPath;
    if (!path) throw new Error('the last reply was not listening for keys');
    const hops = await Promise.all(
      digits.map(async (dtmfDigits) => {
        const form = { ...this.base(), dtmfDigits };
        const res = await fetch(`${this.options.baseUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
        return { path, form, status: res.status, body: await res.text() };
      }),
    );
    const first = hops[0]!;
    this.last = { path: first.path, form: first.form };
    this.next = first.status === 200 && first.body.startsWith('<?xml') ? follow(first.body) : { answerPath: null, silencePath: null, listening: null };
    return hops.map((h) => ({ ...h, listening: this.next.listening }));
  }

  /** The caller says nothing: the GetDigits times out and AT follows the Redirect. */
  async silence(): Promise<VoiceHop> {
    if (!this.next.silencePath) throw new Error('the last reply has no Redirect to follow');
    return this.post(this.next.silencePath, this.base());
  }

  /** The caller speaks after the beep: AT posts the recording's URL. */
  async record(recordingUrl: string): Promise<VoiceHop> {
    if (!this.next.answerPath || this.next.listening !== 'record') throw new Error('the last reply was not recording');
    return this.post(this.next.answerPath, { ...this.base(), recordingUrl });
  }

  /** The same request again, as AT does when our reply did not reach it in time. */
  async repeat(): Promise<VoiceHop> {
    if (!this.last) throw new Error('nothing to repeat');
    return this.post(this.last.path, this.last.form);
  }

  /** The call is over: AT's last request, with duration, cost and hangup cause. */
  async hangup(end: { durationInSeconds?: number; amount?: number; currencyCode?: string; hangupCause?: string } = {}): Promise<VoiceHop> {
    const token = this.options.callbackToken ? `?token=${encodeURIComponent(this.options.callbackToken)}` : '';
    const form: Record<string, string> = {
      ...this.base(),
      isActive: '0',
      durationInSeconds: String(end.durationInSeconds ?? 42),
      amount: String(end.amount ?? 0.5),
      currencyCode: end.currencyCode ?? 'KES',
      hangupCause: end.hangupCause ?? 'NORMAL_CLEARING',
    };
    return this.post(`/voice${token}`, form);
  }

  private async post(path: string, form: Record<string, string>): Promise<VoiceHop> {
    this.last = { path, form };
    const res = await fetch(`${this.options.baseUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
    const body = await res.text();
    this.next = res.status === 200 && body.startsWith('<?xml') ? follow(body) : { answerPath: null, silencePath: null, listening: null };
    return { path, form, status: res.status, body, listening: this.next.listening };
  }
}

/** What AT would do next with this reply. */
function follow(xml: string): Next {
  const doc = parser.parse(xml) as { Response?: Record<string, unknown> };
  const response = doc.Response ?? {};
  const getDigits = response.GetDigits as Record<string, string> | undefined;
  const record = response.Record as Record<string, string> | undefined;
  const redirect = response.Redirect;
  const listener = getDigits ?? record;
  return {
    answerPath: listener?.['@_callbackUrl'] ? pathOf(listener['@_callbackUrl']) : null,
    silencePath: typeof redirect === 'string' ? pathOf(redirect) : null,
    listening: getDigits ? 'keys' : record ? 'record' : null,
  };
}

function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

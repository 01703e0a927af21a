/**
 * The Africa's Talking side of a USSD session, for `npm run dial`, tests and the bench:
 * it posts exactly the form fields AT posts, accumulating inputs into `text` joined by `*`.
 */
export type AtUssdOptions = {
  baseUrl: string;
  phoneNumber: string;
  sessionId: string;
  serviceCode?: string;
  networkCode?: string;
  /** appended as ?token= when the service requires AT_CALLBACK_TOKEN */
  callbackToken?: string;
};

export type Hop = { text: string; status: number; body: string; end: boolean };

export class AtUssdSession {
  private inputs: string[] = [];
  private lastText = '';
  constructor(private readonly options: AtUssdOptions) {}

  get sessionId(): string {
    return this.options.sessionId;
  }

  get phoneNumber(): string {
    return this.options.phoneNumber;
  }

  private url(path: string): string {
    const token = this.options.callbackToken ? `?token=${encodeURIComponent(this.options.callbackToken)}` : '';
    return `${this.options.baseUrl}${path}${token}`;
  }

  /** The first hop; an extended dial string (*384*123*1001#) arrives as pre-filled inputs. */
  async dial(prefilled: string[] = []): Promise<Hop> {
    this.inputs = [...prefilled];
    return this.post(this.inputs.join('*'));
  }

  async send(input: string): Promise<Hop> {
    this.inputs.push(input);
    return this.post(this.inputs.join('*'));
  }

  /** The same hop again, as AT does when its request to us timed out. */
  async repeat(): Promise<Hop> {
    return this.post(this.lastText);
  }

  /**
   * Exactly this `text`, leaving the session's own inputs alone: a copy of an earlier hop that
   * a flaky network delivers late, or one of several hops racing for the same session.
   */
  async at(text: string): Promise<Hop> {
    return this.post(text);
  }

  /** The end-of-session notification AT posts when a session closes. */
  async notifyEnd(status = 'Incomplete'): Promise<number> {
    const form = new URLSearchParams({
      sessionId: this.options.sessionId,
      serviceCode: this.options.serviceCode ?? '*384*123#',
      networkCode: this.options.networkCode ?? '63902',
      phoneNumber: this.options.phoneNumber,
      status,
      input: this.inputs[this.inputs.length - 1] ?? '',
      lastAppResponse: '',
      hopsCount: String(this.inputs.length + 1),
      durationInMillis: '30000',
      errorMessage: status === 'Success' ? '' : 'session timed out',
      cost: 'KES 0.0000',
      date: new Date().toISOString(),
    });
    const res = await fetch(this.url('/ussd/events'), { method: 'POST', body: form });
    await res.text();
    return res.status;
  }

  private async post(text: string): Promise<Hop> {
    this.lastText = text;
    const form = new URLSearchParams({
      sessionId: this.options.sessionId,
      serviceCode: this.options.serviceCode ?? '*384*123#',
      phoneNumber: this.options.phoneNumber,
      networkCode: this.options.networkCode ?? '63902',
      text,
    });
    const res = await fetch(this.url('/ussd'), { method: 'POST', body: form });
    const body = await res.text();
    return { text, status: res.status, body, end: body.startsWith('END') };
  }
}

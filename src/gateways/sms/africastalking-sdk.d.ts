// The africastalking SDK ships no types; this covers the part the SMS gateway uses.
declare module 'africastalking' {
  type SmsRecipient = { statusCode: number; status: string; number: string; messageId?: string; cost?: string; messageParts?: number };
  type SmsReply = { SMSMessageData: { Message: string; Recipients: SmsRecipient[] } };
  type Client = { SMS: { send(params: { to: string | string[]; message: string; from?: string; enqueue?: boolean }): Promise<SmsReply> } };
  function AfricasTalking(options: { username: string; apiKey: string; format?: 'json' | 'xml' }): Client;
  export default AfricasTalking;
}

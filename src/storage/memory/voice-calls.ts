import type { VoiceCallRecord, VoiceCallRepository } from '../voice-calls.js';

export function createMemoryVoiceCalls(): VoiceCallRepository {
  const calls = new Map<string, VoiceCallRecord>();
  return {
    async recordEnd(call) {
      if (calls.has(call.sessionId)) return false;
      calls.set(call.sessionId, structuredClone(call));
      return true;
    },
    async get(sessionId) {
      const c = calls.get(sessionId);
      return c ? structuredClone(c) : null;
    },
  };
}

import { maskPhone } from '../../gateways/sms/port.js';
import type { OutboxMessage } from '../../storage/ports.js';

/** What staff may see of an outbox message: the number masked, no lease owner. */
export function publicOutboxMessage(m: OutboxMessage) {
  const { phone, leaseOwner, ...rest } = m;
  void leaseOwner;
  return { ...rest, phone: maskPhone(phone) };
}

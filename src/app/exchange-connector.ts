// The port to Exchange used by Test & Enable. The request and result shapes live in the domain
// (src/domain/test-and-enable.ts) because the pure rules build the one and read the other.
import type { ConnectorTestResult, MailboxTestRequest, PartOutcome } from '../domain/test-and-enable.js';

export type { ConnectorTestResult, MailboxTestRequest, PartOutcome };

export interface ExchangeConnector {
  /**
   * Tests the requested parts of one mailbox and answers per part: success, transient or permanent,
   * with the alert condition. Expected failures are answers, never exceptions; an exception means
   * something unexpected and the caller treats it as transient.
   * When `request.makePrimarySyncOrganization` is set, this organization becomes the one Exchange
   * synchronizes the mailbox with ("Sync items with Exchange from this org only…").
   */
  testMailbox(request: MailboxTestRequest): Promise<ConnectorTestResult>;
}

import type { AdminDevice, AdminLoginsPage, AdminUser, ConnectionErrorCode, DirectoryUser, HistoryPage, LoginResponse, Mutation, MutationResult, SnapshotPage, Change } from '../../../src-shared/sync/protocol.contract';
import type { EntityName } from '../../../src-shared/entities/index';
import type { Access } from '../../../src-shared/permissions/access';
import type { AdminOrgAnswer, AdminOrgRequest, OrgAnswer } from '../../../src-shared/sync/admin-org.contract';

/**
 * Why a sync request failed. `NETWORK`: the server could not be reached or the connection broke
 * (retry later); the protocol's connection codes: the server refused (some end the session).
 */
export type SyncFailureCode = ConnectionErrorCode | 'NETWORK';

export class SyncFailure extends Error {
  constructor(
    readonly code: SyncFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'SyncFailure';
  }
}

export interface PullPage {
  cursor: number;
  hasMore: boolean;
  changes: Change[];
  /** The user's access, sent with the pages of a rescope (their access changed): applied before `changes`. */
  access?: Access | undefined;
}

/** One live session with the server (after hello / welcome). */
export interface SyncConnection {
  /** The user's access as the server's welcome gave it (absent from servers older than permissions). */
  readonly access?: Access | undefined;
  push(mutations: Mutation[]): Promise<MutationResult[]>;
  pull(cursor: number, limit: number): Promise<PullPage>;
  snapshot(entity: EntityName, after: string, limit: number): Promise<SnapshotPage>;
  /** The server's users (names and roles), for owner names and the owner picker. */
  directory(): Promise<DirectoryUser[]>;
  /** A record's audit log (GET /v1/history); null when the server has no such record for this user. */
  history(query: { entity: EntityName; id: string; before?: number | undefined; limit?: number | undefined }): Promise<HistoryPage | null>;
  /** The admin screens (/v1/admin/…, admins only). Unlock and revoke answer null when the server has no such user or device. */
  adminUsers(): Promise<AdminUser[]>;
  adminUnlock(userId: string): Promise<{ id: string; username: string; unlocked: boolean } | null>;
  adminDevices(): Promise<AdminDevice[]>;
  adminRevoke(deviceId: string): Promise<{ id: string; revoked: boolean } | null>;
  adminLogins(query: { before?: number | undefined; limit: number }): Promise<AdminLoginsPage>;
  /** The organisation's admin requests (departments, roles, users' places): the answer, or the server's refusal with its reason. */
  adminOrg<R extends AdminOrgRequest>(request: R): Promise<OrgAnswer<AdminOrgAnswer<R['op']>>>;
  /** Bytes sent and received so far on this connection (after compression where measurable). */
  readonly bytes: { sent: number; received: number };
  close(): void;
}

export interface ConnectHandlers {
  /** The server has changes past `cursor` for this user. */
  /** `org`: access may have changed, so pull even if `cursor` is not ahead. */
  onPoke(cursor: number, org?: boolean): void;
  /** The connection ended (network, server shutdown, refusal). */
  onClose(failure: SyncFailure): void;
}

/** How the engine reaches a server: real sockets in the app and CLI, in-process in tests. */
export interface SyncConnector {
  login(server: string, username: string, password: string, deviceName: string): Promise<LoginResponse>;
  connect(server: string, token: string, cursor: number, handlers: ConnectHandlers): Promise<SyncConnection>;
  logout(server: string, token: string): Promise<void>;
}

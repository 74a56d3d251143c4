// The API's JSON shapes (API.md). Timestamps are RFC 3339 strings; IDs are UUID strings.
export interface User {
  id: string;
  email: string;
  name: string;
  roleManager: boolean;
  disabled: boolean;
  createdAt: string;
}

export interface AgentPool {
  id: string;
  name: string;
  description: string;
  createdAt: string;
}

export type PoolRole = 'STANDARD' | 'PRIVILEGED';

export interface Group {
  id: string;
  name: string;
  memberIds: string[];
  poolAccess: { agentPoolId: string; role: PoolRole }[];
  createdAt: string;
}

export type GrantStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED';

export interface Grant {
  id: string;
  name: string;
  role: PoolRole;
  agentPoolIds: string[];
  userIds: string[];
  reason: string;
  status: GrantStatus;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface AccessSource {
  type: 'GROUP' | 'JIT';
  id: string;
  expiresAt?: string;
}

export interface AccessItem {
  agentPoolId: string;
  role: PoolRole | null;
  sources: AccessSource[];
  validUntil: string | null;
}

export interface ApiKey {
  id: string;
  label: string;
  prefix: string;
  userId: string;
  scopes: string[] | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  key?: string;
}

export const API_KEY_SCOPES = [
  'jit:read', 'jit:write', 'directory:read', 'directory:write', 'access:check', 'audit:read', 'keys:write',
] as const;

export interface AuditEvent {
  seq: number;
  at: string;
  actorId: string | null;
  actorType: 'USER' | 'API_KEY' | 'SYSTEM';
  type: string;
  targetId: string | null;
  details: unknown;
  hash: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

export interface LoginResponse {
  user: User;
  csrfToken: string;
}

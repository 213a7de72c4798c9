/** Every URL the console calls, in one place, so a route change is a one-line edit. */
const ADMIN = "/api/admin";
const AUTH = "/api/auth";
const id = (value: string) => encodeURIComponent(value);

export const endpoints = {
  overview: `${ADMIN}/overview`,
  providers: `${ADMIN}/providers`,
  provider: (providerId: string) => `${ADMIN}/providers/${id(providerId)}`,
  providerToggle: (providerId: string) => `${ADMIN}/providers/${id(providerId)}/toggle`,
  providerTest: (providerId: string) => `${ADMIN}/providers/${id(providerId)}/test`,
  providersCsvExport: `${ADMIN}/providers/export.csv`,
  providersCsvImport: `${ADMIN}/providers/import.csv`,
  groups: `${ADMIN}/groups`,
  group: (groupId: string) => `${ADMIN}/groups/${id(groupId)}`,
  groupMembers: (groupId: string) => `${ADMIN}/groups/${id(groupId)}/providers`,
  groupMember: (groupId: string, providerId: string) =>
    `${ADMIN}/groups/${id(groupId)}/providers/${id(providerId)}`,
  groupOrder: (groupId: string) => `${ADMIN}/groups/${id(groupId)}/providers/order`,
  apiKeys: `${ADMIN}/api-keys`,
  apiKey: (keyId: string) => `${ADMIN}/api-keys/${id(keyId)}`,
  configExport: `${ADMIN}/config/export`,
  configImport: `${ADMIN}/config/import`,
  users: `${ADMIN}/users`,
  user: (userId: string) => `${ADMIN}/users/${id(userId)}`,
  userRole: (userId: string) => `${ADMIN}/users/${id(userId)}/role`,
  userPassword: (userId: string) => `${ADMIN}/users/${id(userId)}/password`,
  audit: `${ADMIN}/audit`,
  statsOverview: `${ADMIN}/stats/overview`,
  providerStats: (providerId: string) => `${ADMIN}/stats/providers/${id(providerId)}`,
  logs: `${ADMIN}/logs`,
  log: (logId: string) => `${ADMIN}/logs/${id(logId)}`,
  logsExport: `${ADMIN}/logs/export`,
  health: `${ADMIN}/health`,
  healthStream: `${ADMIN}/health/stream`,
  providerEject: (providerId: string) => `${ADMIN}/providers/${id(providerId)}/eject`,
  providerRestore: (providerId: string) => `${ADMIN}/providers/${id(providerId)}/restore`,
  alertRules: `${ADMIN}/alerts/rules`,
  alertRule: (ruleId: string) => `${ADMIN}/alerts/rules/${id(ruleId)}`,
  alertChannels: `${ADMIN}/alerts/channels`,
  alertChannel: (channelId: string) => `${ADMIN}/alerts/channels/${id(channelId)}`,
  alertChannelTest: (channelId: string) => `${ADMIN}/alerts/channels/${id(channelId)}/test`,
  alertHistory: `${ADMIN}/alerts/history`,
  /** The signed-in user changes their own password (the admin API owns password changes). */
  ownPassword: `${ADMIN}/me/password`,
  signInUsername: `${AUTH}/sign-in/username`,
  signOut: `${AUTH}/sign-out`,
  session: `${AUTH}/get-session`,
} as const;

// The registry client's public surface.
export { pushArtifact, pushReferrer, type PushOptions, type PushResult, type ReferrerOptions, type ReferrerResult } from './push.js';
export { openRemote, type RemoteOptions } from './remote.js';
export { openForPull, pullIntoLayout, type PullOptions, type PulledSummary } from './pull.js';
export type { PullProgress } from './blobreader.js';
export { checkLogin } from './login.js';
export { storeCredentials, eraseCredentials, loadCredentials, registryHost, type Credentials } from './credentials.js';
export { dockerConfigPath } from './dockerconfig.js';
export type { RegistryOptions } from './session.js';
export type { RetryPolicy } from './retry.js';

export { DICTAMESH_SETTINGS, settingOf, settingsOf, type DictaMeshService, type DictaMeshSetting } from './settings';
export { settingViolations } from './validate';
export { platformPrincipal, subgraphExecutor, type ConfigExecute, type ConfigGraphQLError, type ConfigGraphQLResult } from './executor';
export {
  CONFIG_CLIENT_DEFAULTS,
  ConfigClient,
  type ConfigClientOptions,
  type ConfigClientStatus,
  type SettingSource,
  type SettingsListener,
} from './client';

export { chooseLogFormat, logFormatOf, type LogFormat } from './log-format';
export { loggerModule } from './logger.module';
export { StartupLogger } from './startup-logger';
export { startBanner, reachableHost, type StartBannerInput } from './start-banner';

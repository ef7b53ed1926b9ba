import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../platform/config/app-config';
import { TenantsService } from '../../tenancy';
import { ApiClientsService } from './api-clients.service';
import { TenantOnboardingService } from './tenant-onboarding.service';

const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';

/** The demo tenant's client, as written to the data directory; null without a readable file. */
export function readDemoCredentials(dataDir: string): { file: string; clientId: string; clientSecret: string } | null {
  const file = join(dataDir, DEMO_CREDENTIALS_FILE);
  if (!existsSync(file)) return null;
  try {
    const { clientId, clientSecret } = JSON.parse(readFileSync(file, 'utf8')) as { clientId?: unknown; clientSecret?: unknown };
    return typeof clientId === 'string' && typeof clientSecret === 'string' ? { file, clientId, clientSecret } : null;
  } catch {
    // Edited by hand, say: the banner leaves the token line out rather than fail the start.
    return null;
  }
}

/**
 * First credentials. The operator's administrator comes from PLATFORM_ADMIN_CLIENT_ID/SECRET
 * (production too). Outside production, a database with no tenant gets a demo tenant and an
 * administrator, printed and written to `$LOGISYNAPSE_DATA_DIR/demo-credentials.json`.
 */
@Injectable()
export class CredentialsBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Credentials');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tenants: TenantsService,
    private readonly clients: ApiClientsService,
    private readonly onboarding: TenantOnboardingService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminClientId, adminClientSecret } = this.config.auth;
    if (adminClientId && adminClientSecret) {
      await this.clients.ensureAdminClient(adminClientId, adminClientSecret);
      this.logger.log(`platform administrator client "${adminClientId}" is ready`);
    }
    if (this.config.environment === 'production' || (await this.tenants.count()) > 0) return;

    const tenant = await this.onboarding.onboard('Demo tenant');
    const admin = await this.clients.createAdminClient();
    const credentials = { ...tenant, admin: { clientId: admin.clientId, clientSecret: admin.clientSecret } };
    mkdirSync(this.config.dataDir, { recursive: true });
    const file = join(this.config.dataDir, DEMO_CREDENTIALS_FILE);
    writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    // One line naming the clients, never their secrets nor the webhook token: logs are shipped
    // and kept (ADR 0034); the secrets are in the 0600 file, and a terminal's start banner shows
    // the file and a token request.
    const named = { tenantId: tenant.tenantId, clientId: tenant.clientId, admin: { clientId: admin.clientId } };
    this.logger.log({ credentials: named }, `demo tenant created; credentials written to ${file}`);
  }
}

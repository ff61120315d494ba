import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { UsersConfig } from '../config';
import { USERS_CONFIG } from '../users.constants';
import { AccountsService } from './accounts.service';

/**
 * Makes BOOTSTRAP_ADMIN_EMAIL an admin at boot (creating it with BOOTSTRAP_ADMIN_PASSWORD when
 * absent): the only way besides the CLI to get a first admin, as no RPC grants the role.
 * Runs after module init, i.e. after the migrations.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly accounts: AccountsService,
    @Inject(USERS_CONFIG) private readonly config: UsersConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.BOOTSTRAP_ADMIN_EMAIL;
    if (!email) return;
    const outcome = await this.accounts.ensureAdmin(email, this.config.BOOTSTRAP_ADMIN_PASSWORD);
    // The address is the operator's own configuration, not a user's data, so it may be logged.
    this.logger.log(`bootstrap admin ${email}: ${outcome}`);
  }
}

import { Module } from '@nestjs/common';
import { TitlesModule } from '../titles/titles.module';
import { DemoSeeder } from './demo-seeder';

/** The demo catalog seeded at boot (DEMO_SEED_TITLES), written like any title. */
@Module({
  imports: [TitlesModule],
  providers: [DemoSeeder],
})
export class DemoModule {}

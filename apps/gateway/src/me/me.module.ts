import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { ViewerModule } from '../viewer/viewer.module';
import { LibraryController } from './library.controller';
import { MeController } from './me.controller';
import { ProfilesController } from './profiles.controller';

/** The signed-in account: itself, its profiles and each profile's list and progress. */
@Module({
  imports: [ViewerModule, CatalogModule],
  controllers: [MeController, ProfilesController, LibraryController],
})
export class MeModule {}

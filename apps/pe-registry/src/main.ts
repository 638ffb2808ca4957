import { runOwner } from '@barplane/owner-service';
import { peRegistryOwner } from './pe-registry.owner';

runOwner(peRegistryOwner);

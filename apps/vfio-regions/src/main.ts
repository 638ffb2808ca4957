import { runOwner } from '@barplane/owner-service';
import { vfioRegionsOwner } from './vfio-regions.owner';

runOwner(vfioRegionsOwner);

import { runOwner } from '@barplane/owner-service';
import { guestMemoryOwner } from './guest-memory.owner';

runOwner(guestMemoryOwner);

// The organization's people (GET /users), read once a minute at most: the board's lanes, who claimed what.
import { all } from './api.js';

let cached = null;
let at = 0;
export function team(fresh = false) {
  if (fresh || !cached || Date.now() - at > 60000) {
    at = Date.now();
    cached = all('/users?limit=100').catch((e) => { cached = null; throw e; });
  }
  return cached;
}
export const technicians = (users) => users.filter((u) => u.roles.includes('technician') && u.active)
  .sort((a, b) => a.name.localeCompare(b.name));
export function nameOf(users, id) {
  const u = users.find((x) => x.id === id);
  return u ? u.name : 'someone else';
}

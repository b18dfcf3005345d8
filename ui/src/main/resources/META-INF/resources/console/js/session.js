// Who is signed in and what they may do in each team (GET /api/v1/me).
import * as api from './api.js';

const RANK = { viewer: 1, member: 2, owner: 3 };

export const session = {
  me: null,

  async load() {
    this.me = await api.get('/me');
    return this.me;
  },

  team(teamId) {
    return (this.me?.teams || []).find((t) => t.id === teamId) || null;
  },

  /** Whether the caller's role in the team is at least `role` (viewer, member, owner). */
  can(teamId, role = 'member') {
    const team = this.team(teamId);
    return !!team && (RANK[team.role] || 0) >= RANK[role];
  },

  /** The audit log is for platform admins and organization admins. */
  readsAudit() {
    return !!this.me && (this.me.platformAdmin || this.me.organizations.some((o) => o.role === 'admin'));
  },

  tasklistTask(taskId) {
    return `${this.me.links.tasklist}#/?task=${encodeURIComponent(taskId)}`;
  },

  cockpitProcess(processInstanceId) {
    return `${this.me.links.cockpit}#/process-instance/${encodeURIComponent(processInstanceId)}`;
  },
};

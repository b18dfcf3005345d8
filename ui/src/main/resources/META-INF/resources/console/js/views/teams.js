import { fill, h } from '../dom.js';
import { heading } from '../widgets.js';

/** #/ — the organizations and teams the caller sees, with their role in each. */
export async function teamsPage(view, { session }) {
  const { organizations, teams } = session.me;
  fill(
    view,
    heading('Teams'),
    organizations.length === 0 && h('p', { class: 'muted' }, 'You belong to no organization yet.'),
    organizations.map((org) =>
      h(
        'section',
        { class: 'card' },
        h('h2', {}, org.name, org.role ? h('span', { class: 'role' }, org.role) : null),
        h(
          'ul',
          { class: 'teams' },
          teams
            .filter((t) => t.organizationId === org.id)
            .map((t) =>
              h('li', {}, h('a', { href: `#/teams/${t.id}`, class: 'team-link' }, t.name), ' ', h('span', { class: 'role', 'data-role': t.role }, t.role)),
            ),
        ),
      ),
    ),
  );
}

// Settings › Identity and Access Management › Permissions & Access: the breadcrumb and the tabs
// that every management page shares. Only rendered for role managers.
import { Link } from './ui';

const TABS = [
  { to: '/settings/iam/temp-access', label: 'Temp Access' },
  { to: '/settings/iam/users', label: 'Users' },
  { to: '/settings/iam/groups', label: 'Groups' },
  { to: '/settings/iam/agent-pools', label: 'Agent Pools' },
  { to: '/settings/iam/audit', label: 'Audit log' },
];

export function IamTabs(props: { current: string }) {
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>Settings</li>
          <li>Identity and Access Management</li>
          <li aria-current="page">Permissions &amp; Access</li>
        </ol>
      </nav>
      <div role="tablist" aria-label="Permissions & Access" className="tabs">
        {TABS.map((t) => (
          <Link key={t.to} to={t.to} role="tab" ariaSelected={t.label === props.current} className="tab">
            {t.label}
          </Link>
        ))}
      </div>
    </>
  );
}

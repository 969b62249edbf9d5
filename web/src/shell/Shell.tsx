import { AppShell, Burger, Button, Group, NavLink, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { type ReactNode, useCallback, useEffect, useRef } from "react";
import { NavLink as RouterLink, useLocation } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { useOnAccountChanged } from "./accountChanged";
import { useRefetchOnFocus } from "./useRefetchOnFocus";

const ShellAccountQuery = graphql(`
  query ShellAccount {
    me { id name contactCount contactLimit }
  }
`);

const PAGES = [
  { to: "/import", label: "Import", matches: (path: string) => path === "/import" || path.startsWith("/imports/") },
  { to: "/contacts", label: "Contacts", matches: (path: string) => path.startsWith("/contacts") },
  { to: "/fields", label: "Fields", matches: (path: string) => path.startsWith("/fields") },
  { to: "/connections", label: "Connections", matches: (path: string) => path.startsWith("/connections") },
];

/** Header (account, "Sign out"), navigation ("Import", "Contacts", "Fields", "Connections") and
 * the page in `main`. The header's contact count is read again when a sync ends, when the reader
 * comes back to the tab, and on every move to another page. */
export function Shell({ children, onSignOut }: { children: ReactNode; onSignOut: () => void }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const [{ data }, reexecute] = useQuery({ query: ShellAccountQuery });
  const refresh = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  useOnAccountChanged(refresh);
  useRefetchOnFocus(refresh);
  useRefreshOnNavigation(pathname, refresh);
  const me = data?.me;
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Show navigation" />
            <Text fw={700} size="lg">autoimport</Text>
          </Group>
          <Group gap="md" wrap="nowrap">
            {me && (
              <Text size="sm" c="gray.7" visibleFrom="xs">
                {me.name} · {me.contactCount.toLocaleString()} of {me.contactLimit.toLocaleString()} contacts
              </Text>
            )}
            <Button variant="default" size="sm" onClick={onSignOut}>Sign out</Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label="Main">
        {PAGES.map((page) => (
          <NavLink key={page.to} component={RouterLink} to={page.to} label={page.label}
            active={page.matches(pathname)} onClick={close} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}

/** Runs `refresh` when the reader moves to another page (not on the first one: the query has just run). */
function useRefreshOnNavigation(pathname: string, refresh: () => void): void {
  const shown = useRef(pathname);
  useEffect(() => {
    if (shown.current === pathname) return;
    shown.current = pathname;
    refresh();
  }, [pathname, refresh]);
}

import { Alert, Anchor, Button, Center, Code, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";

interface SignInProps {
  onSignIn: (token: string) => void;
  notice: string | null;
}

/** The API token form. The token is checked by the first request the page makes. */
export function SignIn({ onSignIn, notice }: SignInProps) {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!value.trim()) {
      setError("Paste your API token to sign in.");
      return;
    }
    onSignIn(value);
  };
  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Paper component="main" withBorder shadow="sm" p="xl" w={440} maw="100%">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={1} size="h2">Sign in to autoimport</Title>
            <Text c="dimmed" size="sm">
              Keep your contacts in step with the apps where they live.
            </Text>
            {notice && <Alert color="red" title="Signed out" role="alert">{notice}</Alert>}
            <TextInput
              label="API token"
              description="Your account's API token. An administrator can print a new one."
              value={value}
              onChange={(e) => { setValue(e.currentTarget.value); setError(null); }}
              error={error}
              autoComplete="off"
              spellCheck={false}
              autoFocus
            />
            <Button type="submit">Sign in</Button>
            <Text size="xs" c="dimmed">
              Administrators: <Code>autoimport accounts token NAME</Code> prints a new token. A sign-in
              link <Anchor component="span" size="xs" inherit>/#token=…</Anchor> signs in at once.
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

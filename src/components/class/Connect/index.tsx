import type { ClassConnection } from '@site/src/lib/class-server';
import { type FormEvent, useState } from 'react';
import styles from './styles.module.css';

type Props = {
  onConnect: (connection: ClassConnection) => void;
  /** Why the last connection was refused, if it was. */
  error?: string;
};

/** Asks for the class server's address and the instructor token, when the page was opened without them. */
export default function Connect({ onConnect, error }: Props) {
  const [server, setServer] = useState('http://127.0.0.1:3030');
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (server.trim() && token.trim()) onConnect({ server: server.trim().replace(/\/+$/, ''), token: token.trim() });
  };
  return (
    <form className={styles.form} onSubmit={submit} data-testid="class-connect">
      <p>
        Open the dashboard with the address <code>npx workshop class start</code> printed (it carries the server and the token), or enter
        them here. Run <code>npx workshop class info</code> to see them again.
      </p>
      <label>
        Class server
        <input value={server} onChange={(e) => setServer(e.target.value)} placeholder="http://127.0.0.1:3030" required />
      </label>
      <label>
        Instructor token
        <input value={token} onChange={(e) => setToken(e.target.value)} type="password" autoComplete="off" required />
      </label>
      <button className="button button--primary" type="submit">
        Open the class
      </button>
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

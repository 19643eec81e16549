import { PRICE_REGION, PRICES, PRICES_CHECKED } from '@site/src/lib/prices';
import styles from './styles.module.css';

const checked = {
  aws: 'AWS pricing page',
  secondary: 'quoted from it; confirm there',
  unconfirmed: 'not confirmed here; check there',
} as const;

/** The dated price table the cost panel multiplies by, with where each price comes from. */
export default function PriceTable() {
  return (
    <>
      <table className={styles.table}>
        <thead>
          <tr>
            <th>Price</th>
            <th className={styles.number}>USD</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(PRICES).map(([key, p]) => (
            <tr key={key}>
              <td>{p.unit}</td>
              <td className={styles.number}>
                {p.usd} per {p.per.toLocaleString()}
              </td>
              <td>
                <a href={p.source}>{new URL(p.source).pathname.split('/').filter(Boolean)[0]}</a>{' '}
                <span className={styles.muted}>({checked[p.checkedOn]})</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={styles.muted}>
        {PRICE_REGION}, on-demand, first pricing tier, checked on {PRICES_CHECKED}. Most of these services have a monthly free tier that
        makes a workshop's activity free; the totals here leave it out so that you see what the requests themselves cost.
      </p>
    </>
  );
}

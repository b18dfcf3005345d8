package io.flowgate.engine.web;

import io.flowgate.connectors.storage.ObjectNotFoundException;
import io.flowgate.connectors.storage.ObjectStoreException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * A failure that means a service Flowgate depends on is down, not that Flowgate is wrong: the
 * database (no connection, or PostgreSQL restarting) or the object store. Such requests are
 * answered {@code 503} with what to do; whatever they changed was rolled back.
 */
final class Unavailable {

  private Unavailable() {}

  /** The sentence for the caller, when {@code failure} (or a cause of it) is such a failure. */
  static Optional<String> detail(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (database(cause)) {
        return Optional.of(
            "The database did not answer; nothing was recorded, try again in a few seconds");
      }
      if (cause instanceof ObjectStoreException && !(cause instanceof ObjectNotFoundException)) {
        return Optional.of("Object storage did not answer; nothing was recorded, try again later");
      }
    }
    return Optional.empty();
  }

  private static boolean database(Throwable cause) {
    if (cause instanceof DataAccessResourceFailureException
        || cause instanceof CannotCreateTransactionException
        || cause instanceof SQLTransientConnectionException) {
      return true;
    }
    // PostgreSQL's connection failures (class 08) and shutdown or start-up (57P01-57P03)
    return cause instanceof SQLException sql
        && sql.getSQLState() != null
        && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"));
  }
}

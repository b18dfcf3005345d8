package io.flowgate.engine.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.connectors.storage.ObjectNotFoundException;
import io.flowgate.connectors.storage.ObjectStoreException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.transaction.CannotCreateTransactionException;

/** Which failures mean "a service we depend on is down" (503) and which are Flowgate's own. */
class UnavailableTest {

  @Test
  void postgresqlGoingAwayIsTheDatabaseBeingDownWhereverItIsWrapped() {
    SQLException terminated = new SQLException("terminating connection", "57P01");
    assertThat(Unavailable.detail(new InternalAuthenticationServiceException("x", terminated)))
        .hasValueSatisfying(detail -> assertThat(detail).startsWith("The database did not"));
    assertThat(Unavailable.detail(new SQLException("refused", "08001"))).isPresent();
    assertThat(Unavailable.detail(new CannotCreateTransactionException("no connection")))
        .isPresent();
  }

  @Test
  void theObjectStoreDownIsUnavailableButAMissingObjectIsNot() {
    assertThat(Unavailable.detail(new IllegalStateException(new ObjectStoreException("down"))))
        .hasValueSatisfying(detail -> assertThat(detail).startsWith("Object storage did not"));
    assertThat(Unavailable.detail(new ObjectNotFoundException("flowgate", "snapshots/x.json")))
        .isEmpty();
  }

  @Test
  void otherFailuresAreFlowgatesOwn() {
    assertThat(Unavailable.detail(new SQLException("duplicate key", "23505"))).isEmpty();
    assertThat(Unavailable.detail(new IllegalStateException("bug"))).isEmpty();
  }
}

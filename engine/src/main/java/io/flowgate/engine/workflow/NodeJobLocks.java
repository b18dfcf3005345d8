package io.flowgate.engine.workflow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives this engine node a stable job lock owner and, before its job executor starts, frees the
 * jobs its previous life still had locked. After a {@code kill -9} the node's own unfinished jobs
 * then run again at once instead of after the lock time (90 s); other nodes' locks are left alone.
 * Safe because a node name is held by one running engine at a time (the data folder lock in
 * embedded mode, {@code FLOWGATE_NODE_NAME} per node otherwise).
 */
class NodeJobLocks extends AbstractProcessEnginePlugin {

  private static final Logger log = LoggerFactory.getLogger(NodeJobLocks.class);

  private final String nodeName;
  private DataSource dataSource;
  private String tablePrefix;

  NodeJobLocks(String nodeName) {
    this.nodeName = nodeName;
  }

  /** The node's name also in the job log and metrics, where Cockpit shows who ran a job. */
  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    configuration.setHostname(nodeName);
  }

  @Override
  public void postInit(ProcessEngineConfigurationImpl configuration) {
    configuration.getJobExecutor().setLockOwner(nodeName);
    dataSource = configuration.getDataSource();
    tablePrefix = configuration.getDatabaseTablePrefix();
  }

  @Override
  public void postProcessEngineBuild(ProcessEngine processEngine) {
    String sql =
        "update "
            + tablePrefix
            + "act_ru_job set lock_owner_ = null, lock_exp_time_ = null where lock_owner_ = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, nodeName);
      int freed = statement.executeUpdate();
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
      if (freed > 0) {
        log.warn("Freed {} job(s) that node {} still held when it last stopped", freed, nodeName);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not free the jobs of node " + nodeName, e);
    }
  }
}

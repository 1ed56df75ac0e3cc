# Shared by the .deb maintainer scripts and the .rpm scriptlets: scripts/package/tree.ts
# inlines this file in their place for it. POSIX sh; every step may run again (upgrades, reinstalls).
AGENT_USER=backbone-otel
STATE_DIR=/var/lib/backbone-otel-agent
CONFIG_DIR=/etc/backbone-otel-agent
UNIT=backbone-otel-agent.service
DEFAULT_JIRA_HOME=/var/atlassian/application-data/jira
JIRA_PROPERTIES=/opt/atlassian/jira/atlassian-jira/WEB-INF/classes/jira-application.properties

# The system user the service runs as (no login, no home of its own). An existing one is
# kept: on a Data Center cluster, create it first with the same uid on every node.
create_user() {
  if ! getent group "$AGENT_USER" >/dev/null; then
    groupadd --system "$AGENT_USER"
  fi
  if ! getent passwd "$AGENT_USER" >/dev/null; then
    useradd --system --gid "$AGENT_USER" --home-dir "$STATE_DIR" --no-create-home \
      --shell /usr/sbin/nologin --comment "backbone-otel-agent" "$AGENT_USER"
  fi
}

# JIRA_HOME, when this host tells: $JIRA_HOME (sudo JIRA_HOME=... dpkg -i / rpm -i), else
# jira.home of the Jira installer's jira-application.properties, else the installer's default.
jira_home() {
  if [ -n "${JIRA_HOME:-}" ] && [ -d "$JIRA_HOME" ]; then
    echo "$JIRA_HOME"
    return 0
  fi
  if [ -r "$JIRA_PROPERTIES" ]; then
    home=$(sed -n 's/^[[:space:]]*jira\.home[[:space:]]*[=:][[:space:]]*//p' "$JIRA_PROPERTIES" | tr -d '\r' | tail -n 1)
    if [ -n "$home" ] && [ -d "$home" ]; then
      echo "$home"
      return 0
    fi
  fi
  if [ -d "$DEFAULT_JIRA_HOME" ]; then
    echo "$DEFAULT_JIRA_HOME"
  fi
}

# The agent reads the Backbone folder in JIRA_HOME through the group that owns JIRA_HOME.
join_jira_group() {
  home=$(jira_home)
  if [ -z "$home" ]; then
    echo "backbone-otel-agent: JIRA_HOME not found here; let $AGENT_USER read it: usermod -a -G <JIRA_HOME's group> $AGENT_USER"
    return 0
  fi
  group=$(stat -c %G "$home")
  if [ "$group" = root ] || [ "$group" = UNKNOWN ]; then
    echo "backbone-otel-agent: $home belongs to group $group; let $AGENT_USER read it (usermod -a -G <group> $AGENT_USER)"
    return 0
  fi
  if id -nG "$AGENT_USER" | tr ' ' '\n' | grep -qx "$group"; then
    return 0
  fi
  if ! usermod -a -G "$group" "$AGENT_USER"; then
    echo "backbone-otel-agent: could not add $AGENT_USER to group $group; do it by hand"
    return 0
  fi
  echo "backbone-otel-agent: $AGENT_USER joined group $group, which owns JIRA_HOME ($home)"
  if [ "$home" != "$DEFAULT_JIRA_HOME" ]; then
    echo "backbone-otel-agent: set BACKBONE_ROOT=$home/data/backbone-issue-sync in $CONFIG_DIR/agent.env"
  fi
}

make_state_dir() {
  install -d -m 0700 -o "$AGENT_USER" -g "$AGENT_USER" "$STATE_DIR"
}

systemd_running() {
  [ -d /run/systemd/system ]
}

daemon_reload() {
  if systemd_running; then systemctl daemon-reload || true; fi
}

# Upgrades: a running agent restarts on the new version; a stopped one stays stopped.
restart_if_running() {
  if systemd_running; then systemctl try-restart "$UNIT" || true; fi
}

stop_and_disable() {
  if systemd_running; then systemctl stop "$UNIT" || true; fi
  if command -v systemctl >/dev/null 2>&1; then systemctl --no-reload disable "$UNIT" >/dev/null 2>&1 || true; fi
}

# Not started on install: it needs its configuration first (like Grafana's and Elasticsearch's packages).
print_next_steps() {
  cat <<NEXT
backbone-otel-agent is installed, not started. Configure it, then start it:
  $CONFIG_DIR/config.yaml  (or one of /opt/backbone-otel-agent/config/examples/*.yaml)
  $CONFIG_DIR/agent.env    (the secrets it names; mode 0600)
  backbone-otel validate --config $CONFIG_DIR/config.yaml --env-file $CONFIG_DIR/agent.env
  systemctl enable --now backbone-otel-agent
NEXT
}

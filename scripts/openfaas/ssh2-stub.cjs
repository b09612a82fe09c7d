// docker-modem requires ssh2 at load time, only for ssh:// Docker hosts, which the dashboard never uses
// (scripts/build-functions.ts stubs it the same way).
module.exports = {};

package io.sagaway.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Redis from Debian's {@code redis-server}, without persistence: it is a cache of idempotency claims. */
final class RedisService extends LocalService {

    RedisService(StackSettings settings) {
        super(settings);
    }

    @Override
    ServiceKind kind() {
        return ServiceKind.REDIS;
    }

    @Override
    ProcessHandle launch() throws IOException {
        Path server = Path.of("/usr/bin/redis-server");
        if (!Files.isExecutable(server)) {
            throw new StackException("Redis: /usr/bin/redis-server is missing; install it with 'apt-get install -y redis-server'");
        }
        return ManagedProcess.launch(dir(), log(), List.of(server.toString(),
            "--bind", "127.0.0.1",
            "--port", Integer.toString(port()),
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", dir().toString()), Map.of());
    }

    @Override
    boolean ready() {
        return Probe.probe(ServiceKind.REDIS, port()) == Probe.Answer.ANSWERS;
    }
}

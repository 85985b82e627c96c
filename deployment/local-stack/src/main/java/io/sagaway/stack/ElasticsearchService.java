package io.sagaway.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A single-node Elasticsearch 9 in its own JVM, started by {@code deployment/es-node}'s launcher
 * from Maven Central artifacts (the distribution's bootstrap refuses root and wants its layout).
 */
final class ElasticsearchService extends LocalService {

    private static final List<Path> ZSTD_CANDIDATES = List.of(
        Path.of("/usr/lib/x86_64-linux-gnu/libzstd.so.1"),
        Path.of("/usr/lib/aarch64-linux-gnu/libzstd.so.1"),
        Path.of("/usr/lib64/libzstd.so.1"));

    ElasticsearchService(StackSettings settings) {
        super(settings);
    }

    @Override
    ServiceKind kind() {
        return ServiceKind.ELASTICSEARCH;
    }

    @Override
    ProcessHandle launch() throws IOException {
        String classpath = nodeClasspath("es-node", true);
        Path nativeLibs = linkNativeLibraries();
        List<String> command = new ArrayList<>(List.of(java(),
            "-Xms512m", "-Xmx512m",
            "--add-modules", "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "-Dorg.elasticsearch.nativeaccess.enableVectorLibrary=false",
            "-Des.nativelibs.path=" + nativeLibs,
            "-Dlog4j.shutdownHookEnabled=false",
            "-Dlog4j2.disable.jmx=true",
            "-Djava.awt.headless=true",
            "-Dfile.encoding=UTF-8",
            // The Netty settings of Elasticsearch's own jvm.options.
            "-Dio.netty.noUnsafe=true",
            "-Dio.netty.noKeySetOptimization=true",
            "-Dio.netty.recycler.maxCapacityPerThread=0",
            "-XX:+UseG1GC",
            "-cp", classpath,
            "io.sagaway.esnode.EsNodeMain", dir().resolve("home").toString(), Integer.toString(port())));
        return ManagedProcess.launch(dir(), log(), command, Map.of());
    }

    @Override
    boolean ready() {
        return Probe.elasticsearchHealthy(port());
    }

    /** Elasticsearch looks for {@code libzstd.so}; Debian ships only the versioned {@code libzstd.so.1}. */
    private Path linkNativeLibraries() throws IOException {
        Path nativeLibs = dir().resolve("nativelibs");
        Files.createDirectories(nativeLibs);
        Path link = nativeLibs.resolve("libzstd.so");
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            for (Path candidate : ZSTD_CANDIDATES) {
                if (Files.exists(candidate)) {
                    Files.createSymbolicLink(link, candidate);
                    break;
                }
            }
        }
        return nativeLibs;
    }
}

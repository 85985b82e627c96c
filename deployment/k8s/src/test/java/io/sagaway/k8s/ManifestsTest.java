package io.sagaway.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.gateway.config.Role;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production layout, checked offline: every manifest of {@code base/} parses with the fabric8
 * Kubernetes model (the operators' resources as generic ones), and the references between them
 * hold. Every role has its Deployment, probed on {@code /health}; every Service, secret, host and
 * port a platform process is given exists; and the settings each process gets are read by the
 * platform's own configuration, as it reads them at start-up.
 */
class ManifestsTest {

    private static final Path BASE = Path.of("base");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Z_][A-Z0-9_]*)\\)");
    /** The one secret the installer creates (docs/deploy.md says how); the others come from the operators. */
    private static final String JWT_SECRET = "sagaway-jwt";

    private static final List<HasMetadata> RESOURCES = new ArrayList<>();
    private static Map<String, Object> kustomization;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        KubernetesSerialization serialization = new KubernetesSerialization();
        kustomization = serialization.unmarshal(Files.readString(BASE.resolve("kustomization.yaml")), Map.class);
        for (Object file : (List<Object>) kustomization.get("resources")) {
            for (String document : Files.readString(BASE.resolve((String) file)).split("(?m)^---\\s*$")) {
                if (!document.replaceAll("(?m)^\\s*#.*$", "").isBlank()) {
                    RESOURCES.add(serialization.unmarshal(document, HasMetadata.class));
                }
            }
        }
    }

    @Test
    void theKustomizationListsEveryManifestOfTheBaseAndEachParsesIntoItsType() throws IOException {
        try (Stream<Path> files = Files.list(BASE)) {
            Set<String> manifests = files.map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).collect(Collectors.toSet());
            assertThat(new HashSet<>((List<?>) kustomization.get("resources"))).isEqualTo(manifests);
        }
        assertThat(of(Deployment.class)).hasSize(Role.values().length);
        assertThat(of(HorizontalPodAutoscaler.class)).isNotEmpty();
        assertThat(of(ConfigMap.class)).isNotEmpty();
        for (HasMetadata resource : RESOURCES) {
            assertThat(resource.getMetadata().getName()).as(resource.getKind()).isNotBlank();
        }
    }

    @Test
    void kafkaElasticsearchAndPostgresqlComeFromTheirOperatorsResources() {
        GenericKubernetesResource kafka = custom("kafka.strimzi.io/v1beta2", "Kafka");
        GenericKubernetesResource pool = custom("kafka.strimzi.io/v1beta2", "KafkaNodePool");
        assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
        assertThat(kafka.getMetadata().getAnnotations()).containsEntry("strimzi.io/node-pools", "enabled");
        assertThat(this.<List<String>>field(pool, "spec", "roles")).contains("controller", "broker");
        custom("elasticsearch.k8s.elastic.co/v1", "Elasticsearch");
        custom("postgresql.cnpg.io/v1", "Cluster");
        assertThat(of(StatefulSet.class)).extracting(s -> s.getMetadata().getName()).contains("sagaway-redis");
    }

    @Test
    void everyRoleRunsInItsOwnDeploymentProbedOnHealthWithTheClusterPorts() {
        Map<String, Deployment> byRole = new HashMap<>();
        for (Deployment deployment : of(Deployment.class)) {
            Container container = platformContainer(deployment);
            List<String> args = container.getArgs();
            assertThat(args).as(deployment.getMetadata().getName()).hasSize(2).first().isEqualTo("--roles");
            byRole.put(args.get(1), deployment);
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
            Set<String> ports = container.getPorts().stream().map(p -> p.getName()).collect(Collectors.toSet());
            assertThat(ports).contains(container.getReadinessProbe().getHttpGet().getPort().getStrVal(),
                container.getLivenessProbe().getHttpGet().getPort().getStrVal(), "http", "cluster", "eventbus");
            assertThat(deployment.getSpec().getSelector().getMatchLabels().entrySet())
                .isSubsetOf(deployment.getSpec().getTemplate().getMetadata().getLabels().entrySet());
        }
        assertThat(byRole.keySet()).isEqualTo(Stream.of(Role.values())
            .map(r -> r.name().toLowerCase(Locale.ROOT).replace('_', '-')).collect(Collectors.toSet()));
    }

    @Test
    void eachProcessSettingsAreReadByThePlatformAndNameServicesThatExist() {
        ConfigMap config = named(ConfigMap.class, "sagaway-config");
        for (Deployment deployment : of(Deployment.class)) {
            Container container = platformContainer(deployment);
            assertThat(container.getEnvFrom()).allSatisfy(from -> named(ConfigMap.class, from.getConfigMapRef().getName()));
            Map<String, String> env = new HashMap<>(config.getData());
            for (EnvVar variable : container.getEnv()) {
                env.put(variable.getName(), variable.getValue() != null ? resolve(variable.getValue(), env) : "from-" + source(variable));
            }
            // Read as the process reads them: a bad value or a missing setting fails here as it would at start-up.
            PlatformConfig platform = PlatformConfig.load(env, container.getArgs());
            assertThat(platform.needsLocalStack()).as("every service is external on Kubernetes").isFalse();
            PlatformConfig.Cluster cluster = platform.cluster().orElseThrow();

            assertThat(host(platform.postgresUrl().orElseThrow())).isEqualTo(custom("postgresql.cnpg.io/v1", "Cluster")
                .getMetadata().getName() + "-rw");
            assertThat(host(platform.elasticsearchUrl().orElseThrow())).isEqualTo(custom("elasticsearch.k8s.elastic.co/v1", "Elasticsearch")
                .getMetadata().getName() + "-es-http");
            assertThat(platform.kafkaBootstrapServers().orElseThrow()).isEqualTo(custom("kafka.strimzi.io/v1beta2", "Kafka")
                .getMetadata().getName() + "-kafka-bootstrap:9092");
            serviceWithPort(host(platform.redisUrl().orElseThrow()), URI.create(platform.redisUrl().orElseThrow()).getPort());

            Service discovery = named(Service.class, cluster.serviceDns());
            assertThat(discovery.getSpec().getClusterIP()).as("a headless Service").isEqualTo("None");
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels().entrySet())
                .as("every platform pod is a member").containsAll(discovery.getSpec().getSelector().entrySet());
            assertThat(discovery.getSpec().getPorts()).extracting(ServicePort::getPort).contains(cluster.port(), cluster.eventBusPort());
            assertThat(container.getPorts()).anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(cluster.port()))
                .anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(cluster.eventBusPort()))
                .anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(platform.httpPort()));
            assertThat((int) platform.kafkaReplication()).isLessThanOrEqualTo(this.<Integer>field(
                custom("kafka.strimzi.io/v1beta2", "KafkaNodePool"), "spec", "replicas"));
        }
    }

    @Test
    void secretsComeFromTheOperatorsOrTheOneTheInstallerCreatesAndTheDocsExplain() throws IOException {
        Set<String> known = new HashSet<>();
        of(GenericKubernetesResource.class).forEach(r -> {
            if (r.getKind().equals("Cluster") && r.getApiVersion().startsWith("postgresql.cnpg.io/")) {
                known.add(r.getMetadata().getName() + "-app");
            } else if (r.getKind().equals("Elasticsearch")) {
                known.add(r.getMetadata().getName() + "-es-elastic-user");
            }
        });
        known.add(JWT_SECRET);
        Set<String> used = new HashSet<>();
        for (Deployment deployment : of(Deployment.class)) {
            for (EnvVar variable : platformContainer(deployment).getEnv()) {
                if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                    used.add(variable.getValueFrom().getSecretKeyRef().getName());
                }
            }
        }
        assertThat(known).containsAll(used);
        assertThat(used).contains(JWT_SECRET);
        assertThat(Files.readString(Path.of("../../docs/deploy.md"))).contains("kubectl create secret generic " + JWT_SECRET);
    }

    @Test
    void servicesSelectPodsThatExposeTheirPortsAndAutoscalersTargetDeployments() {
        for (Service service : of(Service.class)) {
            List<PodTemplateSpec> selected = Stream.concat(of(Deployment.class).stream().map(d -> d.getSpec().getTemplate()),
                    of(StatefulSet.class).stream().map(s -> s.getSpec().getTemplate()))
                .filter(t -> t.getMetadata().getLabels().entrySet().containsAll(service.getSpec().getSelector().entrySet()))
                .toList();
            assertThat(selected).as(service.getMetadata().getName() + " selects pods").isNotEmpty();
            for (ServicePort port : service.getSpec().getPorts()) {
                for (PodTemplateSpec template : selected) {
                    assertThat(template.getSpec().getContainers().stream().flatMap(c -> c.getPorts().stream()))
                        .as(service.getMetadata().getName() + " port " + port.getName())
                        .anySatisfy(p -> assertThat(p.getName()).isEqualTo(port.getTargetPort().getStrVal()));
                }
            }
        }
        Map<String, HorizontalPodAutoscaler> autoscaled = of(HorizontalPodAutoscaler.class).stream()
            .collect(Collectors.toMap(h -> h.getSpec().getScaleTargetRef().getName(), h -> h));
        assertThat(autoscaled.keySet()).contains("sagaway-gateway", "sagaway-projector");
        autoscaled.keySet().forEach(name -> named(Deployment.class, name));
        int partitions = Integer.parseInt(named(ConfigMap.class, "sagaway-config").getData().get("SAGAWAY_KAFKA_PARTITIONS"));
        assertThat(autoscaled.get("sagaway-projector").getSpec().getMaxReplicas())
            .as("a projector beyond the partition count would idle").isLessThanOrEqualTo(partitions);
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePlatformImageIsTheOneTheKustomizationNames() {
        Set<String> images = ((List<Map<String, Object>>) kustomization.get("images")).stream()
            .map(i -> (String) i.get("name")).collect(Collectors.toSet());
        for (Deployment deployment : of(Deployment.class)) {
            assertThat(images).contains(platformContainer(deployment).getImage());
        }
    }

    private static <T extends HasMetadata> List<T> of(Class<T> type) {
        return RESOURCES.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T named(Class<T> type, String name) {
        return of(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    private static GenericKubernetesResource custom(String apiVersion, String kind) {
        List<GenericKubernetesResource> found = of(GenericKubernetesResource.class).stream()
            .filter(r -> r.getApiVersion().equals(apiVersion) && r.getKind().equals(kind)).toList();
        assertThat(found).as(apiVersion + " " + kind).hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private <T> T field(GenericKubernetesResource resource, String... path) {
        Object at = resource.getAdditionalProperties();
        for (String key : path) {
            at = ((Map<String, Object>) at).get(key);
        }
        return (T) at;
    }

    private static void serviceWithPort(String name, int port) {
        assertThat(named(Service.class, name).getSpec().getPorts()).extracting(ServicePort::getPort).contains(port);
    }

    private static Container platformContainer(Deployment deployment) {
        List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).as(deployment.getMetadata().getName()).hasSize(1);
        return containers.get(0);
    }

    /** Kubernetes expands $(NAME) from variables defined before; here secrets stand as placeholders. */
    private static String resolve(String value, Map<String, String> env) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            assertThat(env).as("$(" + name + ") is defined before it is used").containsKey(name);
            m.appendReplacement(out, Matcher.quoteReplacement(env.get(name)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String source(EnvVar variable) {
        var from = variable.getValueFrom();
        return Optional.ofNullable(from.getSecretKeyRef()).map(s -> "secret-" + s.getKey())
            .orElseGet(() -> Optional.ofNullable(from.getFieldRef()).map(f -> f.getFieldPath().replaceAll("[^a-z]", ""))
                .orElse("x"));
    }

    private static String host(String url) {
        return URI.create(url).getHost();
    }
}

package dev.batchudp.network.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.BrokenNetworkProvider;
import dev.batchudp.network.FakeLoopbackNetworkProvider;
import dev.batchudp.network.FakeNetworkProvider;
import dev.batchudp.network.NetworkOptions;
import dev.batchudp.network.NetworkProviderNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading, ordering, de-duplication and selection, with service files served by a class loader of the
 * test's own (so each test decides exactly which providers exist) and a logger that records.
 */
@Timeout(10)
class ProviderLoaderTest {
    private static final String PROPERTY = "dev.batchudp.network.spi.test.provider";
    private static final String SERVICES = "META-INF/services/" + NetworkProvider.class.getName();

    @TempDir
    Path dir;

    private final RecordingLogger log = new RecordingLogger();

    @AfterEach
    void clearProperty() {
        System.clearProperty(PROPERTY);
    }

    private ProviderLoader.Builder<NetworkProvider> builder(String kind) {
        return ProviderLoader.<NetworkProvider>builder(kind, kind + "s", log, NetworkProvider::unavailabilityCause)
                .name(NetworkProvider::name);
    }

    private ProviderLoader<NetworkProvider> networkLoader(String kind) {
        return builder(kind).priority(NetworkProvider::priority)
                .selectableByDefault(NetworkProvider::isSelectableByDefault).build();
    }

    /** A ServiceLoader over a class loader whose only services file is the one given here. */
    private ServiceLoader<NetworkProvider> services(String... lines) {
        Path file = dir.resolve("services-" + System.nanoTime());
        try {
            Files.write(file, List.of(lines));
            URL url = file.toUri().toURL();
            ClassLoader loader = new ClassLoader(getClass().getClassLoader()) {
                @Override
                public Enumeration<URL> getResources(String name) throws IOException {
                    return name.equals(SERVICES) ? Collections.enumeration(List.of(url)) : super.getResources(name);
                }
            };
            return ServiceLoader.load(NetworkProvider.class, loader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void usesTheServiceLoadersClassLoader() {
        // the test class path registers three providers; this loader's services file names one
        List<NetworkProvider> found = networkLoader("test provider")
                .load(services(FakeNetworkProvider.class.getName()));

        assertThat(found).extracting(NetworkProvider::name).containsExactly("fake");
    }

    @Test
    void providerThatFailsToLoadIsSkippedAndWarnedOnceThenLoggedAtDebug() {
        ProviderLoader<NetworkProvider> loader = networkLoader("provider that fails once");
        String missing = "dev.batchudp.network.spi.NoSuchProvider";

        List<NetworkProvider> first = loader.load(services(missing, FakeNetworkProvider.class.getName()));
        List<NetworkProvider> second = loader.load(services(missing, FakeNetworkProvider.class.getName()));

        assertThat(first).extracting(NetworkProvider::name).containsExactly("fake");
        assertThat(second).extracting(NetworkProvider::name).containsExactly("fake");
        assertThat(log.records).containsExactly(
                "WARNING skipping a provider that fails once that failed to load: ServiceConfigurationError",
                "DEBUG skipping a provider that fails once that failed to load: ServiceConfigurationError");
    }

    @Test
    void sortsByPriorityHighestFirstThenByName() {
        List<NetworkProvider> found = networkLoader("test provider").load(services(
                FakeNetworkProvider.class.getName(), // 5
                Named.B.class.getName(), // 5
                FakeLoopbackNetworkProvider.class.getName(), // 1000
                BrokenNetworkProvider.class.getName())); // 100

        assertThat(found).extracting(NetworkProvider::name).containsExactly("fakeloop", "broken", "b", "fake");
    }

    @Test
    void withoutPriorityKeepsDiscoveryOrderBuiltInsFirst() {
        List<NetworkProvider> found = builder("test provider").build().load(
                services(FakeLoopbackNetworkProvider.class.getName(), FakeNetworkProvider.class.getName()),
                List.of(new Named.B()));

        assertThat(found).extracting(NetworkProvider::name).containsExactly("b", "fakeloop", "fake");
    }

    @Test
    void duplicatesAreDroppedKeepingTheFirst() {
        NetworkProvider builtIn = new FakeNetworkProvider();
        List<NetworkProvider> byClass = builder("test provider").build()
                .load(services(FakeNetworkProvider.class.getName()), List.of(builtIn));
        List<NetworkProvider> byName = builder("test provider").distinctBy(NetworkProvider::name).build()
                .load(services(Named.OtherB.class.getName()), List.of(new Named.B()));

        assertThat(byClass).containsExactly(builtIn);
        assertThat(byName).extracting(p -> p.getClass().getSimpleName()).containsExactly("B");
        assertThat(log.records).containsExactly(
                "DEBUG ignoring duplicate test provider FakeNetworkProvider[fake]",
                "DEBUG ignoring duplicate test provider OtherB[b]");
    }

    @Test
    void selectsByNameEvenWhenNotSelectableByDefault() {
        ProviderLoader<NetworkProvider> loader = networkLoader("test provider");
        List<NetworkProvider> all = List.of(new FakeLoopbackNetworkProvider(), new FakeNetworkProvider());

        assertThat(loader.select(all, "fakeloop", NetworkProviderNotFoundException::new))
                .isInstanceOf(FakeLoopbackNetworkProvider.class);
        assertThat(loader.selectDefault(all, PROPERTY, NetworkProviderNotFoundException::new))
                .isInstanceOf(FakeNetworkProvider.class);
    }

    @Test
    void propertyNamesTheDefaultAndFailuresSayWhereTheNameCameFrom() {
        ProviderLoader<NetworkProvider> loader = networkLoader("test provider");
        List<NetworkProvider> all = List.of(new BrokenNetworkProvider(), new FakeNetworkProvider());

        System.setProperty(PROPERTY, " broken ");
        assertThatThrownBy(() -> loader.selectDefault(all, PROPERTY, IllegalStateException::new))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("test provider \"broken\" (named by -D" + PROPERTY + ") is unavailable: ")
                .hasMessageContaining("; test providers found:\n  broken (" + BrokenNetworkProvider.class.getName()
                        + ", priority 100): unavailable: java.lang.UnsupportedOperationException")
                .hasMessageContaining("\n  fake (" + FakeNetworkProvider.class.getName() + ", priority 5): available")
                .hasCauseInstanceOf(UnsupportedOperationException.class);

        System.setProperty(PROPERTY, "  ");
        assertThat(loader.selectDefault(all, PROPERTY, IllegalStateException::new))
                .isInstanceOf(FakeNetworkProvider.class);
    }

    @Test
    void unknownNameAndNothingToChooseFailWithTheList() {
        ProviderLoader<NetworkProvider> loader = networkLoader("test provider");

        assertThatThrownBy(() -> loader.select(List.of(new FakeNetworkProvider()), "nope", IllegalStateException::new))
                .hasMessageStartingWith("no test provider named \"nope\"; test providers found:")
                .hasNoCause();
        assertThatThrownBy(() -> loader.selectDefault(List.of(new FakeLoopbackNetworkProvider()), PROPERTY,
                        IllegalStateException::new))
                .hasMessageStartingWith("no available test provider can be chosen by default")
                .hasMessageContaining("available, but only when selected by name");
        assertThatThrownBy(() -> loader.selectDefault(List.of(), PROPERTY, IllegalStateException::new))
                .hasMessageEndingWith("; no test providers found on the class path or module path");
    }

    @Test
    void anExceptionFromTheAvailabilityCheckMakesTheProviderUnavailable() {
        ProviderLoader<NetworkProvider> loader = networkLoader("test provider");
        List<NetworkProvider> all = List.of(new Named.Throwing(), new FakeNetworkProvider());

        assertThat(loader.unavailabilityCause(all.get(0))).containsInstanceOf(LinkageError.class);
        assertThat(loader.firstAvailable(all)).containsInstanceOf(FakeNetworkProvider.class);
        assertThat(log.records).containsExactly("DEBUG test provider Throwing[throwing] unavailable: "
                + "java.lang.NoClassDefFoundError: missing/Native");
    }

    /** Small providers for ordering and duplicates. */
    static final class Named {
        private Named() {}

        /** Priority 5, like {@code fake}, so the name breaks the tie. */
        public static class B extends NetworkProvider {
            @Override
            public String name() {
                return "b";
            }

            @Override
            public int priority() {
                return 5;
            }

            @Override
            public Optional<Throwable> unavailabilityCause() {
                return Optional.empty();
            }

            @Override
            public dev.batchudp.network.Network open(NetworkOptions options) {
                throw new UnsupportedOperationException();
            }
        }

        /** Another class with the name {@code b}. */
        public static final class OtherB extends B {}

        /** Breaks its contract: the availability check throws. */
        public static final class Throwing extends B {
            @Override
            public String name() {
                return "throwing";
            }

            @Override
            public Optional<Throwable> unavailabilityCause() {
                throw new NoClassDefFoundError("missing/Native");
            }
        }
    }

    /** Records "LEVEL message[: ExceptionSimpleName]", with {0}-style parameters filled in. */
    static final class RecordingLogger implements System.Logger {
        final List<String> records = new ArrayList<>();

        @Override
        public String getName() {
            return "recording";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            records.add(level + " " + msg + (thrown == null ? "" : ": " + thrown.getClass().getSimpleName()));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            records.add(level + " " + java.text.MessageFormat.format(format, params));
        }
    }
}

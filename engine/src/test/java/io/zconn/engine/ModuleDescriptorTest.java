package io.zconn.engine;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the engine's compiled module descriptor (tests run on the class path, so the module system
 * never checks it for them): only the API package is exported, to everyone.
 */
class ModuleDescriptorTest {

    private static ModuleDescriptor engineDescriptor() throws Exception {
        Path classes = Path.of(Context.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleReference ref = ModuleFinder.of(classes).find("io.zconn.engine").orElseThrow(
                () -> new AssertionError("no module io.zconn.engine in " + classes));
        return ref.descriptor();
    }

    @Test
    void onlyTheApiPackageIsExported() throws Exception {
        ModuleDescriptor d = engineDescriptor();

        assertThat(d.isAutomatic()).isFalse();
        assertThat(d.exports()).allSatisfy(e -> assertThat(e.isQualified()).as("qualified export %s", e).isFalse());
        assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .isEqualTo(Set.of("io.zconn.engine"));
        assertThat(d.opens()).isEmpty();
        assertThat(d.packages()).contains("io.zconn.engine.core", "io.zconn.engine.socket",
                "io.zconn.engine.transport.stream");
    }

    @Test
    void requiresNettyAndJctoolsButExposesNeither() throws Exception {
        ModuleDescriptor d = engineDescriptor();

        assertThat(d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()))
                .contains("io.netty.transport", "io.netty.buffer", "org.jctools.core");
        assertThat(d.requires()).noneSatisfy(r ->
                assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
    }
}

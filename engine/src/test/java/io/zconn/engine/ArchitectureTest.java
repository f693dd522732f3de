package io.zconn.engine;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The engine's package structure, checked in every build: a new package cycle, a facade used from
 * inside, or Netty leaking into the API fails it.
 *
 * <p><b>Which cycles are allowed.</b> The API package {@code io.zconn.engine} holds two kinds of
 * classes: the <em>facades</em> ({@link Context}, {@link Socket}, {@link Poller}, {@link Proxy}, {@link Curve},
 * with their nested classes), which wrap the implementation, and the <em>value types</em>
 * ({@link Frame}, {@link Message}, {@link Errno}, {@link ZmqException}, {@link ZmqOption},
 * {@link SocketType}), which every layer passes around. Counted per package, the API package is
 * therefore in a cycle with everything (the facades use core, core uses {@link Frame}), and no
 * package rule can forbid that without moving the value types out of the API. The rule enforced is
 * the class-level one: <b>no cycles except through the API value types</b>, made precise by these
 * rules that together imply it:
 * <ol>
 *   <li>the implementation packages ({@code io.zconn.engine.*}) are free of cycles among
 *       themselves ({@link #implementationPackagesHaveNoCycles});</li>
 *   <li>no implementation class uses a facade ({@link #implementationUsesNoFacade});</li>
 *   <li>the value types use no implementation class ({@link #valueTypesUseNoImplementation}) and
 *       no facade ({@link #valueTypesUseNoFacade}).</li>
 * </ol>
 * So a dependency path that enters the API package from inside lands on a value type, and value
 * types lead nowhere but to other value types and the JDK: no path can come back out, hence no
 * cycle runs through the API package, and with rule 1 there is none at all apart from the value
 * types' dependencies on each other. Only the facades may use the implementation, and they are
 * reached from nowhere inside the engine: {@link Context} wires {@code core.Ctx} with the socket
 * factory and the transports (interfaces {@code core.SocketMaker} and {@code core.Transport}).
 *
 * <p>Cycles this replaced: API &harr; core in the source (core read {@link Poller}'s event bits, now
 * {@code core.PollEvents}; javac inlines the constants, so the bytecode never showed it), core &harr; socket ({@code Ctx} called {@code SocketFactory}),
 * core &harr; transport.inproc and core &harr; transport.stream ({@code Ctx} created the
 * transports), zmtp &harr; security (the handshake's {@code Mechanism} interfaces now live in zmtp,
 * where the handshake runs; security implements them).
 */
@AnalyzeClasses(packages = "io.zconn.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String API = "io.zconn.engine";

    private static final DescribedPredicate<JavaClass> FACADE = DescribedPredicate.describe(
            "an API facade (Context, Socket, Poller, Proxy, Curve)",
            c -> c.getPackageName().equals(API)
                    && c.getName().matches("io\\.zconn\\.engine\\.(Context|Socket|Poller|Proxy|Curve)(\\$.*)?"));

    private static final DescribedPredicate<JavaClass> VALUE_TYPE = DescribedPredicate.describe(
            "an API value type", c -> c.getPackageName().equals(API) && !FACADE.test(c));

    private static final DescribedPredicate<JavaClass> IMPLEMENTATION = DescribedPredicate.describe(
            "in an implementation package", c -> c.getPackageName().startsWith(API + "."));

    @ArchTest
    static final ArchRule implementationPackagesHaveNoCycles =
            slices().matching("io.zconn.engine.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule implementationUsesNoFacade =
            noClasses().that(IMPLEMENTATION).should().dependOnClassesThat(FACADE);

    @ArchTest
    static final ArchRule valueTypesUseNoImplementation =
            noClasses().that(VALUE_TYPE).should().dependOnClassesThat(IMPLEMENTATION);

    @ArchTest
    static final ArchRule valueTypesUseNoFacade =
            noClasses().that(VALUE_TYPE).should().dependOnClassesThat(FACADE);

    /** Routing parts and pipes are plain Java: no Netty, no sockets, no transports. */
    @ArchTest
    static final ArchRule routingAndPipesArePure =
            classes().that().resideInAnyPackage("io.zconn.engine.routing..", "io.zconn.engine.pipe..")
                    .should().onlyDependOnClassesThat(resideInAnyPackage("java..", "org.jctools..",
                            "io.zconn.engine.routing..", "io.zconn.engine.pipe..").or(VALUE_TYPE));

    /** Netty, JCTools and Bouncy Castle stay implementation details: no API class, so no API signature, uses them. */
    @ArchTest
    static final ArchRule apiHidesNettyAndJctools =
            noClasses().that(resideInAPackage(API))
                    .should().dependOnClassesThat(resideInAnyPackage("io.netty..", "org.jctools..", "org.bouncycastle.."));
}

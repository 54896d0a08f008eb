package io.mlship.jenkins

import static com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration.library

import com.lesfurets.jenkins.unit.BasePipelineTest
import com.lesfurets.jenkins.unit.PipelineTestHelper
import com.lesfurets.jenkins.unit.global.lib.SourceRetriever

/**
 * The Jenkins around a pipeline that mlPipeline uses, on top of a {@link FakeAgent}: stages, nodes,
 * build parameters, input approval, the Lockable Resources lock, credentials, junit and archiveArtifacts.
 * Every call is recorded, in order, in {@link #events}, so a test can assert what ran inside what.
 */
class FakeJenkins {
    final FakeAgent agent
    /** Everything in the order it happened: [type: 'stage'|'node'|'lock'|'input'|…, …]. */
    final List<Map> events = []
    final List<String> stages = []
    final Map currentBuild = [result: null, description: null]
    /** The build's parameters, as Jenkins gives them. */
    final Map params = [:]
    /** Who approves the next input; null refuses (aborts). */
    String approver = 'alice'
    /** The reason the approver types into the input's REASON parameter. */
    String approvalReason = 'checked the canary plan'
    /** A milestone a newer build has passed already: reaching it aborts this build, as Jenkins does. */
    String supersededAt
    /** Checks published with publishChecks (only registered by {@link #withChecksPlugin}). */
    final List<Map> checks = []
    /** False: the Lockable Resources plugin is not installed, so there is no lock step. */
    boolean lockPlugin = true
    final List<String> nodesHeld = []
    /** Credential ids this Jenkins does not hold: binding one fails, as Jenkins fails it. */
    final Set<String> missingCredentials = []

    private BasePipelineTest test
    private PipelineTestHelper helper

    FakeJenkins(FakeAgent agent) {
        this.agent = agent
    }

    void install(BasePipelineTest test) {
        this.test = test
        this.helper = test.helper
        // Jenkinsfiles as users write them name a version, @Library('mlship@0.1.0'): this checkout stands for it.
        // Not implicit as well: the library would be loaded (and CPS-transformed) twice.
        helper.registerSharedLibrary(library().name('mlship')
                .retriever({ String repo, String version, String target -> [FakeAgent.ROOT.toURI().toURL()] } as SourceRetriever)
                .targetPath(FakeAgent.ROOT.path).defaultVersion('main').allowOverride(true).implicit(false).build())
        test.binding.setVariable('params', params)
        // Only serializable values in currentBuild: CPS tests save the program with it. The closure is dehydrated
        // (no owner) and sees the causes list, which startedBy fills.
        List causes = []
        currentBuild.userCauses = causes
        currentBuild.getBuildCauses = { String type ->
            assert type == 'hudson.model.Cause$UserIdCause'
            return causes
        }.dehydrate()
        currentBuild.changeSets = [[items: []]]
        test.binding.setVariable('currentBuild', currentBuild)
        test.binding.setVariable('scm', [type: 'GitSCM'])
        helper.registerAllowedMethod('stage', [String, Closure], { String name, Closure body ->
            stages << name
            events << [type: 'stage', name: name]
            return helper.callClosure(body)
        })
        helper.registerAllowedMethod('node', [String, Closure], { String label, Closure body ->
            events << [type: 'node', label: label]
            nodesHeld << label
            try {
                return helper.callClosure(body)
            } finally {
                nodesHeld.remove(nodesHeld.size() - 1)
            }
        })
        helper.registerAllowedMethod('checkout', [Map], { Map scm -> events << [type: 'checkout'] })
        helper.registerAllowedMethod('timeout', [Map, Closure], { Map args, Closure body ->
            events << [type: 'timeout', args: args]
            return helper.callClosure(body)
        })
        helper.registerAllowedMethod('input', [Map], { Map args ->
            events << [type: 'input', args: args, onNode: !nodesHeld.isEmpty()]
            if (approver == null) {
                throw new PipelineFailure('Rejected by bob')
            }
            // Jenkins returns a map of the submitter and every parameter when there are several values, else the one.
            return args.parameters ? [approver: approver, REASON: approvalReason] : approver
        })
        helper.registerAllowedMethod('milestone', [Map], { Map args ->
            events << [type: 'milestone', label: args.label]
            if (args.label == supersededAt) {
                throw new PipelineFailure("Superseded by build #8 at milestone '${args.label}'")
            }
        })
        helper.registerAllowedMethod('disableConcurrentBuilds', [Map], { Map args -> [disableConcurrentBuilds: args] })
        helper.registerAllowedMethod('junit', [Map], { Map args -> events << [type: 'junit', args: args] })
        helper.registerAllowedMethod('archiveArtifacts', [Map], { Map args -> events << [type: 'archive', args: args] })
        helper.registerAllowedMethod('properties', [List], { List props -> events << [type: 'properties', properties: props] })
        helper.registerAllowedMethod('parameters', [List], { List defs -> [parameters: defs] })
        helper.registerAllowedMethod('string', [Map], { Map args -> [string: args] })
        helper.registerAllowedMethod('choice', [Map], { Map args -> [choice: args] })
        helper.registerAllowedMethod('file', [Map], { Map args -> [file: args] })
        helper.registerAllowedMethod('withCredentials', [List, Closure], { List bindings, Closure body ->
            events << [type: 'credentials', bindings: bindings]
            bindings.each { Map b ->
                if (b.file?.credentialsId in missingCredentials) {
                    throw new IllegalStateException("Could not find credentials entry with ID '${b.file.credentialsId}'")
                }
            }
            Map saved = new LinkedHashMap(agent.env)
            agent.env.KUBECONFIG = '/tmp/secret-kubeconfig'
            try {
                return helper.callClosure(body)
            } finally {
                agent.env.clear()
                agent.env.putAll(saved)
            }
        })
        if (lockPlugin) {
            helper.registerAllowedMethod('lock', [Map, Closure], { Map args, Closure body ->
                Map event = [type: 'lock', resource: args.resource, commandsInside: []]
                events << event
                int before = agent.runs.size()
                try {
                    return helper.callClosure(body)
                } finally {
                    event.commandsInside = agent.runs.drop(before)*.command
                }
            })
        }
    }

    /** The build was started by this Jenkins user (hudson.model.Cause$UserIdCause). */
    void startedBy(String userId) {
        ((List) currentBuild.userCauses) << [userId: userId, _class: 'hudson.model.Cause$UserIdCause']
    }

    /** The build's change log names this Jenkins user as the author of a commit. */
    void changedBy(String userId) {
        ((List) currentBuild.changeSets[0].items) << [author: [id: userId]]
    }

    /** Gives this Jenkins the Checks API plugin's publishChecks step. */
    void withChecksPlugin() {
        helper.registerAllowedMethod('publishChecks', [Map], { Map args ->
            events << [type: 'publishChecks', name: args.name]
            checks << args
        })
    }

    /** Takes the lock step away, as on a Jenkins without the Lockable Resources plugin. */
    void withoutLockPlugin() {
        lockPlugin = false
        helper.allowedMethodCallbacks.keySet().removeAll { it.name == 'lock' }
    }

    /** Runs a Jenkinsfile from the repository (e.g. examples/reco-service/Jenkinsfile) as Jenkins would. */
    Object runFile(String path) {
        return test.runScript(test.loadScript(path))
    }

    /** Runs a Jenkinsfile from the repository that must fail; returns the message. */
    String failureOf(String path) {
        try {
            runFile(path)
        } catch (Throwable t) {
            for (Throwable c = t; c != null; c = c.cause) {
                if (c instanceof PipelineFailure) {
                    return c.message
                }
            }
            throw t
        }
        throw new AssertionError("${path} should have failed but succeeded")
    }

    List<Map> eventsOf(String type) {
        return events.findAll { it.type == type }
    }

    /** Each CLI command run, in order. */
    List<String> commands() {
        return agent.runs*.command
    }
}

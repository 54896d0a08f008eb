package io.mlship.jenkins

/**
 * One plausible successful result per CLI command, holding exactly the fields the step's metadata documents
 * (DocExamplesTest checks that), so a code example that reads a field no step returns gets null, as it would
 * on a real agent.
 */
final class DocumentedResults {
    static final String DIGEST = 'sha256:' + '4f5e6d7c' * 8

    static final Map<String, Map> BY_COMMAND = [
            validate: [spec    : 'mlship.yaml', valid: true, environments: ['staging', 'prod'], problems: [],
                       approval: [staging: false, prod: true], promoteFrom: [:], service: 'reco-service', parts: [service: true, model: true]],
            render  : [environment : 'staging', manifestFile: 'build/staging.yaml', namespace: 'reco',
                       image       : 'europe-west4-docker.pkg.dev/ds-images/reco/reco-service@' + DIGEST,
                       objects     : [[kind: 'Deployment', name: 'reco-service', namespace: 'reco']]],
            build   : [digest       : DIGEST, imageRef: 'europe-west4-docker.pkg.dev/ds-images/reco/reco-service@' + DIGEST,
                       tags         : ['0123abcd', 'branch-main'], pushed: true, tarFile: null,
                       layers       : [[name: 'app', digest: 'sha256:' + 'ab' * 32, size: 1024, uploaded: true]],
                       bytesUploaded: 1024],
            deploy  : [namespace     : 'reco', objects: [[kind: 'Deployment', name: 'reco-service', action: 'update']],
                       objectsApplied: ['Deployment/reco-service'], revision: 7, previousRevision: 6, rolloutSeconds: 41,
                       image         : 'europe-west4-docker.pkg.dev/ds-images/reco/reco-service@' + DIGEST,
                       ingressAddress: '10.0.0.12'],
            promote : [action         : 'promote', modelVersionId: '4', reused: false,
                       endpoint       : 'projects/123456789012/locations/europe-west4/endpoints/77',
                       deployedModelId: '901', trafficSplit: ['900': 90, '901': 10], aliases: ['3': ['prod'], '4': ['candidate']],
                       artifactDigest : 'sha256:' + 'cd' * 32],
            smoke   : [verdict   : 'passed', cases: [total: 5, passed: 5, failed: 0], failures: [],
                       latency   : [p50Ms: 12.1, p95Ms: 42.5, p99Ms: 80.2, maxMs: 95.0, meanMs: 15.3, count: 200],
                       load      : [requests: 200, errors: 0, errorRate: 0.0, throughput: 48.2, durationMs: 4150, errorReasons: [:]],
                       thresholds: [[name: 'p95', limit: 300, actual: 42.5, passed: true]], golden: null, modelVersionId: null,
                       junitFile : 'build/smoke-junit.xml', reportFile: '.mlship/steps/mlSmokeTest-1/smoke-report.html'],
            release : [environment  : 'staging', status: 'released',
                       image        : 'europe-west4-docker.pkg.dev/ds-images/reco/reco-service@' + DIGEST, imageDigest: DIGEST,
                       model        : 'projects/123456789012/locations/europe-west4/models/reco-ranker', modelVersionId: '4',
                       endpoint     : 'projects/123456789012/locations/europe-west4/endpoints/77',
                       aliasesBefore: ['3': ['prod']], aliasesAfter: ['3': [], '4': ['prod']],
                       trafficBefore: ['900': 100], trafficAfter: ['901': 100], approvedBy: null, resolved: null, reason: null,
                       stages       : [[name: 'deploy', status: 'succeeded']],
                       junitFiles   : ['.mlship/steps/mlRelease-3/gate-service-junit.xml'],
                       recordFile   : '.mlship/steps/mlRelease-3/release-record.json',
                       reportFile   : '.mlship/steps/mlRelease-3/release-report.html'],
            'pr-check': [environment: 'staging', title: 'mlship: reco-service against staging', summary: '| Spec | ✅ valid |',
                         conclusion : 'success', markdownFile: '.mlship/pipeline/check/pr-check.md'],
            commits : [range: 'origin/main..HEAD', checked: 3, nonConforming: []],
            history : [environment: 'prod', store: '/ws/.mlship (the workspace only)', changes: 2, at: '2026-12-04T10:00:00Z',
                       serving    : [imageDigest: DIGEST, modelVersion: 'v2', modelVersionId: '4', aliases: ['4': ['prod']],
                                     traffic    : ['901': 100]],
                       rows       : [[at   : '2026-12-03T16:20:00Z', kind: 'release', releaseId: 'r42', imageDigest: DIGEST,
                                      modelVersion: 'v2', modelVersionId: '4', aliases: ['4': ['prod']], traffic: ['901': 100],
                                      who  : 'https://jenkins.example.com/job/reco-service/job/main/42/',
                                      buildUrl: 'https://jenkins.example.com/job/reco-service/job/main/42/']]],
    ].asImmutable()

    /** Fields every result file has besides the documented ones. */
    static final List<String> COMMON = ['command', 'status', 'exitCode', 'startedAt', 'mlshipVersion', 'durationMs']

    private DocumentedResults() {
    }
}

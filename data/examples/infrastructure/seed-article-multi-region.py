"""The seed article's multi-region deployment: instances in three regions, Route 53
health checks and failover records (a third region in one failover pair; a TTL on an
alias record; every region's instances in its zone "a")."""


import boto3


class MultiRegionHA:
    """Deploy and manage multi-region infrastructure"""

    def __init__(self, regions: list[str]):
        self.regions = regions
        self.clients = {region: boto3.client('ec2', region_name=region)
                        for region in regions}

    def deploy_across_regions(self, ami_id: str):
        """Deploy instances to all regions"""
        deployments = {}
        for region in self.regions:
            ec2 = self.clients[region]
            response = ec2.run_instances(
                ImageId=ami_id,
                MinCount=2,
                MaxCount=2,
                InstanceType='t3.medium',
                Placement={'AvailabilityZone': f'{region}a'},
            )
            instance_ids = [i['InstanceId'] for i in response['Instances']]
            deployments[region] = instance_ids
        return deployments

    def setup_global_failover(self):
        """Configure Route53 health checks and failover"""
        route53 = boto3.client('route53')
        health_checks = {}
        for region in self.regions:
            health_check = route53.create_health_check(
                HealthCheckConfig={
                    'Type': 'HTTPS',
                    'ResourcePath': '/health',
                    'FullyQualifiedDomainName': f'api.{region}.example.com',
                    'Port': 443,
                    'RequestInterval': 30,
                    'FailureThreshold': 3
                }
            )
            health_checks[region] = health_check['HealthCheck']['Id']
        for idx, region in enumerate(self.regions):
            route53.change_resource_record_sets(
                HostedZoneId='Z123456',
                ChangeBatch={
                    'Changes': [{
                        'Action': 'UPSERT',
                        'ResourceRecordSet': {
                            'Name': 'api.example.com',
                            'Type': 'A',
                            'TTL': 60,
                            'Failover': 'PRIMARY' if idx == 0 else 'SECONDARY',
                            'SetIdentifier': region,
                            'HealthCheckId': health_checks[region],
                            'AliasTarget': {
                                'HostedZoneId': 'Z456',
                                'DNSName': f'elb.{region}.amazonaws.com',
                                'EvaluateTargetHealth': True
                            }
                        }
                    }]
                }
            )


ha = MultiRegionHA(['us-east-1', 'eu-west-1', 'ap-southeast-1'])
ha.deploy_across_regions(ami_id='ami-0123456789')
ha.setup_global_failover()
